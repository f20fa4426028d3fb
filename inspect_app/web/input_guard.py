"""One check at the boundary for text that the databases refuse (DESIGN §7).

PostgreSQL refuses a NUL character in text, and a lone UTF-16 surrogate (which JSON's
`\\ud800` escapes can carry) cannot be encoded at all. Rather than let such text reach a
query, a hash or a column and fail there with a 500, every request is checked once before
any view runs: the path, the query string, form fields and JSON bodies. A request carrying
such text is refused with 400 and a message naming the field; nothing is written.

JSON bodies are parsed here once (Flask caches the result for `request.get_json`) with a
depth limit, so deeply nested arrays are a 400 instead of a RecursionError.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

#: deeper JSON than this is refused; the API's documents nest three or four levels.
MAX_JSON_DEPTH = 32
#: NUL and lone surrogates: text that PostgreSQL (or UTF-8) cannot hold.
FORBIDDEN_TEXT = re.compile("[\x00\ud800-\udfff]")


class UnsafeJSON(ValueError):
    """A JSON body the app will not parse (too deep, or holding forbidden text)."""


class ForbiddenText(BadRequest):
    """400 whose description is meant for the user (the error page shows it)."""

    user_message = True


def has_forbidden_text(value: str) -> bool:
    return FORBIDDEN_TEXT.search(value) is not None


def clean_text(value: str) -> str:
    """The text without NUL characters and lone surrogates (for files read by the CLI)."""
    return FORBIDDEN_TEXT.sub("", value)


def forbidden_text_path(value: Any, root: str = "") -> str | None:
    """The path (`ops[0].note`) of the first string, key or value, holding forbidden text."""
    stack: list[tuple[str, Any, int]] = [(root, value, 0)]
    while stack:
        path, node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnsafeJSON(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(node, str):
            if has_forbidden_text(node):
                return path or "(body)"
        elif isinstance(node, dict):
            for key, child in node.items():
                if has_forbidden_text(key):
                    return f"{path}.{key!r}" if path else repr(key)
                stack.append((f"{path}.{key}" if path else key, child, depth + 1))
        elif isinstance(node, list):
            stack.extend((f"{path}[{index}]", child, depth + 1) for index, child in enumerate(node))
    return None


def loads_checked(raw: str | bytes) -> Any:
    """json.loads with a depth limit and no NUL or lone surrogate in any string."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise UnsafeJSON(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from None
    path = forbidden_text_path(value)
    if path is not None:
        raise UnsafeJSON(f"{path}: text contains a NUL character or a lone surrogate.")
    return value


class CheckedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, parsing request bodies with `loads_checked`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads_checked(s)
        except UnicodeDecodeError as exc:
            raise UnsafeJSON("Body must be UTF-8 encoded JSON.") from exc


def _refuse(field: str) -> None:
    if request.path.startswith("/api/"):
        abort(400, description=f"{field}: text contains a NUL character or a lone surrogate.")
    raise ForbiddenText(
        _(
            "Trường “%(field)s” chứa ký tự không hợp lệ (ký tự NUL hoặc ký tự điều khiển); "
            "hãy xóa ký tự đó rồi gửi lại.",
            field=field,
        )
    )


def check_request() -> None:
    """before_request: refuse forbidden text in the path, query, form and JSON body."""
    if has_forbidden_text(request.path):
        _refuse("path")
    if request.remote_addr and not _is_ip_address(request.remote_addr):
        # With PROXY_FIX the address comes from X-Forwarded-For; it is stored with logins
        # and audit entries, so it must be an address and nothing else.
        abort(400, description="X-Forwarded-For: not an IP address.")
    for source in (request.args, request.form):
        for key, values in source.lists():
            if has_forbidden_text(key) or any(has_forbidden_text(v) for v in values):
                _refuse(key.replace("\x00", "\\x00"))
    for key in request.files:
        if has_forbidden_text(key):
            _refuse(key.replace("\x00", "\\x00"))
    if request.is_json and request.content_length != 0:
        try:
            request.get_json()  # parsed once; the views read the cached value
        except BadRequest as exc:
            abort(400, description=_json_problem(exc))


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _json_problem(error: BaseException) -> str:
    """What was wrong with the body: the parser's own words, found under Flask's BadRequest."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ValueError):
            return f"Body is not valid JSON: {cause}"
        cause = cause.__cause__ or cause.__context__
    return "Body is not valid JSON."


def configure(app: Flask) -> None:
    app.json_provider_class = CheckedJSONProvider
    app.json = CheckedJSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
