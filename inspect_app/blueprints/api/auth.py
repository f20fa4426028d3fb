"""API authentication: a bearer token, or the session cookie plus CSRF on writes."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from inspect_app.blueprints.api import bp
from inspect_app.extensions import csrf
from inspect_app.services.users import user_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _bearer_token(header: str) -> str:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token or len(token) > 512:
        abort(401, description="Malformed Authorization header; expected 'Bearer <token>'.")
    return token


@bp.before_request
def authenticate_request():
    header = request.headers.get("Authorization")
    g.token_auth = header is not None
    if header is not None:
        user = user_for_token(_bearer_token(header))
        if user is None:
            abort(401, description="Invalid or revoked API token.")
        # Flask-Login reads the request's user from g; a token never creates a session.
        g._login_user = user
        return None
    cookie_write = request.method not in SAFE_METHODS and current_user.is_authenticated
    if cookie_write and current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()
        except CSRFError:
            abort(403, description="CSRF token missing or invalid; send X-CSRFToken.")
    return None


def api_login_required(view):
    """401 JSON, not a redirect, for callers without credentials."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401, description="Authentication required.")
        return view(*args, **kwargs)

    return wrapped
