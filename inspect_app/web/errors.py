"""Error pages for the browser and JSON errors for the API, registered on the app."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from inspect_app.extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _message_for(code: int) -> str:
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần đăng nhập."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy trang hoặc đối tượng yêu cầu."),
        405: _("Phương thức không được hỗ trợ."),
        409: _("Xung đột dữ liệu."),
        413: _("Tệp tải lên quá lớn."),
        422: _("Dữ liệu không hợp lệ."),
        429: _("Quá nhiều yêu cầu, vui lòng thử lại sau."),
        500: _("Đã xảy ra lỗi hệ thống. Dữ liệu chưa được ghi."),
    }
    return messages.get(code, _("Đã xảy ra lỗi."))


def handle_http_error(error: HTTPException):
    code = error.code or 500
    shown = wants_json() or getattr(error, "user_message", False)
    message = error.description if shown and _has_own_description(error) else None
    message = message or _message_for(code)
    if wants_json():
        return jsonify(error=message), code
    template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/generic.html"
    return render_template(template, code=code, message=message), code


def _has_own_description(error: HTTPException) -> bool:
    return type(error).description != error.description


def handle_internal_error(error: HTTPException):
    """Unexpected failures: the request's transaction is rolled back, nothing half-written."""
    db.session.rollback()
    original = getattr(error, "original_exception", None)
    if original is not None:
        current_app.logger.error("unhandled error", exc_info=original)
    if wants_json():
        return jsonify(error=_message_for(500)), 500
    return render_template("errors/500.html", code=500, message=_message_for(500)), 500


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_internal_error)
