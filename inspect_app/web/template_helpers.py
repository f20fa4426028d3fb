"""Filters and globals available to every template."""

from __future__ import annotations

from datetime import date

from flask import Flask, request, url_for
from flask_login import current_user

from inspect_app import i18n, permissions
from inspect_app.models import AgencyLevel, InspectionStatus
from inspect_app.web.navigation import nav_items


def register(app: Flask) -> None:
    app.add_template_filter(i18n.format_day, "day")
    app.add_template_filter(i18n.format_moment, "moment")
    app.add_template_filter(i18n.format_number, "number")
    app.add_template_global(i18n.format_percent, "percent")
    app.add_template_global(permissions, "can")

    app.add_template_global(page_url, "page_url")

    @app.context_processor
    def inject_navigation() -> dict:
        return {
            "nav_items": nav_items(current_user),
            "current_language": i18n.current_language(),
            "level_labels": {level.value: level.label for level in AgencyLevel},
            "statuses": list(InspectionStatus),
            "view_names": app.view_functions,
            "today": date.today(),
        }


def page_url(page: int) -> str:
    """The current page's URL with its query string, at another page number."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(request.endpoint, **args)
