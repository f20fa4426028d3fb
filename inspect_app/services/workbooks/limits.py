"""Limits on uploaded workbooks, checked before openpyxl unpacks anything.

An .xlsx is a zip of XML: 400 KB can unpack into hundreds of megabytes of shared strings, or
a million blank rows that the importer would walk one by one. The zip is streamed once,
counting bytes, rows, cells and shared strings, and refused at the first limit passed, so
that memory stays flat whatever the upload holds. Limits are settings (`WORKBOOK_MAX_*`).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from flask import current_app, has_app_context
from flask_babel import gettext as _

CHUNK = 1024 * 1024
ROW_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")
CELL_RE = re.compile(rb"<(?:\w+:)?c[\s>/]")
STRING_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")
#: inline strings (openpyxl writes these instead of shared ones) count as strings too.
INLINE_RE = re.compile(rb"<(?:\w+:)?is[\s>/]")
SHEET_PREFIX = "xl/worksheets/"
SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    rows: int = 200_000
    cells: int = 4_000_000
    strings: int = 1_000_000
    unpacked_mb: int = 300

    @classmethod
    def from_config(cls) -> WorkbookLimits:
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            rows=config.get("WORKBOOK_MAX_ROWS", cls.rows),
            cells=config.get("WORKBOOK_MAX_CELLS", cls.cells),
            strings=config.get("WORKBOOK_MAX_STRINGS", cls.strings),
            unpacked_mb=config.get("WORKBOOK_MAX_UNPACKED_MB", cls.unpacked_mb),
        )


class LimitExceeded(Exception):
    """The workbook passes a limit; `message` names it, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _count(entry: IO[bytes], patterns, budget: list[int], limit_bytes: int) -> list[int]:
    """Occurrences of each pattern in the entry, streamed; `budget` holds bytes left."""
    counts = [0] * len(patterns)
    carry = b""
    while True:
        chunk = entry.read(CHUNK)
        if not chunk:
            break
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise LimitExceeded(_size_message(limit_bytes))
        data = carry + chunk
        # Keep an unfinished tag for the next chunk so that no match is cut in two.
        cut = data.rfind(b"<")
        if cut < 0 or len(data) - cut > 64:
            cut = len(data)
        body, carry = data[:cut], data[cut:]
        for index, pattern in enumerate(patterns):
            counts[index] += len(pattern.findall(body))
    if carry:
        for index, pattern in enumerate(patterns):
            counts[index] += len(pattern.findall(carry))
    return counts


def _size_message(limit_bytes: int) -> str:
    return _(
        "Bảng tính khi giải nén vượt quá giới hạn %(mb)d MB (cài đặt WORKBOOK_MAX_UNPACKED_MB). "
        "Hãy chia thành nhiều tệp nhỏ hơn.",
        mb=limit_bytes // (1024 * 1024),
    )


def check_workbook(handle: IO[bytes], limits: WorkbookLimits | None = None) -> int | None:
    """Raise LimitExceeded when the workbook passes a limit; the first sheet's row count.

    A file that is no zip is left to the reader, which words that error itself (None).
    """
    limits = limits or WorkbookLimits.from_config()
    limit_bytes = limits.unpacked_mb * 1024 * 1024
    budget = [limit_bytes]
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    first_rows: int | None = None
    strings = 0

    def check_strings() -> None:
        if strings > limits.strings:
            raise LimitExceeded(
                _(
                    "Bảng tính có hơn %(limit)s chuỗi văn bản (cài đặt "
                    "WORKBOOK_MAX_STRINGS). Hãy chia thành nhiều tệp nhỏ hơn.",
                    limit=f"{limits.strings:,}".replace(",", "."),
                )
            )

    try:
        for info in archive.infolist():
            name = info.filename
            if info.file_size > budget[0]:
                raise LimitExceeded(_size_message(limit_bytes))
            if name == SHARED_STRINGS:
                with archive.open(info) as entry:
                    (shared,) = _count(entry, (STRING_RE,), budget, limit_bytes)
                strings += shared
                check_strings()
            elif name.startswith(SHEET_PREFIX) and name.endswith(".xml"):
                with archive.open(info) as entry:
                    rows, cells, inline = _count(
                        entry, (ROW_RE, CELL_RE, INLINE_RE), budget, limit_bytes
                    )
                strings += inline
                check_strings()
                if rows > limits.rows:
                    raise LimitExceeded(
                        _(
                            "Bảng tính có hơn %(limit)s dòng (cài đặt WORKBOOK_MAX_ROWS), kể cả "
                            "dòng trống. Hãy xoá các dòng thừa hoặc chia thành nhiều tệp.",
                            limit=f"{limits.rows:,}".replace(",", "."),
                        )
                    )
                if cells > limits.cells:
                    raise LimitExceeded(
                        _(
                            "Bảng tính có hơn %(limit)s ô (cài đặt WORKBOOK_MAX_CELLS). "
                            "Hãy chia thành nhiều tệp nhỏ hơn.",
                            limit=f"{limits.cells:,}".replace(",", "."),
                        )
                    )
                if first_rows is None or name == SHEET_PREFIX + "sheet1.xml":
                    first_rows = rows
            else:
                with archive.open(info) as entry:
                    _count(entry, (), budget, limit_bytes)
    except LimitExceeded:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        return None  # a damaged zip: the reader reports it as an unreadable workbook
    finally:
        archive.close()
    return first_rows
