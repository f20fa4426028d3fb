"""Uploaded workbooks waiting for the user's confirmation, kept as files under a random token.

The preview reads the bytes and stashes them; the confirmation reads the same bytes again,
so nothing the user did not see is imported. Old stashes are swept on every new upload.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
#: uploads waiting for confirmation are removed after this many seconds.
MAX_AGE = 24 * 3600


def stash(data: bytes, directory: Path | str) -> str:
    """Keep uploaded bytes until the user confirms; returns a random token naming them."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.xlsx").write_bytes(data)
    return token


def load(directory: Path | str, token: str | None) -> bytes | None:
    """The bytes kept under `token`, or None when the token is unknown or malformed."""
    if not token or not TOKEN_RE.match(token):
        return None
    path = Path(directory) / f"{token}.xlsx"
    return path.read_bytes() if path.is_file() else None


def discard(directory: Path | str, token: str | None) -> None:
    """Remove the bytes kept under `token` (after they were imported)."""
    if token and TOKEN_RE.match(token):
        (Path(directory) / f"{token}.xlsx").unlink(missing_ok=True)
