"""HTTP security headers applied to every response (CONTRACTS 7)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from inspect_app.services import audit

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def secure_remember_cookie(response: Response) -> Response:
    """Flask-Login's remember cookie is Secure only by a fixed setting; over HTTPS, always."""
    if not request.is_secure:
        return response
    cookies = response.headers.getlist("Set-Cookie")
    if not any(c.startswith("remember_token=") and "; Secure" not in c for c in cookies):
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        if cookie.startswith("remember_token=") and "; Secure" not in cookie:
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)
    return response


def remember_client_address() -> None:
    """Give the audit log the request's client address (after ProxyFix, when it is on)."""
    audit.client_address.set(request.remote_addr)


def forget_client_address(_error=None) -> None:
    audit.client_address.set(None)


def configure(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(remember_client_address)
    app.teardown_request(forget_client_address)
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(set_security_headers)
    # After-request hooks run last-registered first: put this one at the front so that it
    # runs after Flask-Login has set its cookie.
    app.after_request_funcs.setdefault(None, []).insert(0, secure_remember_cookie)
