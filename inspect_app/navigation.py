"""The navigation bar per role; entries appear once their blueprint is registered."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from inspect_app.models import Role


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    roles: tuple[Role, ...]
    #: entries sharing a group label sit in one dropdown of the bar (a lone one stays a link).
    group: str | None = None


ALL = (Role.ADMIN, Role.INSPECTOR, Role.AGENCY, Role.VIEWER)
STAFF = (Role.ADMIN, Role.INSPECTOR, Role.VIEWER)
REGISTERS = _l("Danh mục")

NAV_ENTRIES = (
    NavEntry("main.index", _l("Trang chủ"), ALL),
    NavEntry("plans.index", _l("Kế hoạch kiểm tra"), STAFF),
    NavEntry("inspections.index", _l("Cuộc kiểm tra"), STAFF),
    NavEntry("inspections.offline_data", _l("Dữ liệu ngoại tuyến"), (Role.INSPECTOR,)),
    NavEntry("portal.index", _l("Cơ quan của tôi"), (Role.AGENCY,)),
    NavEntry("conformity.admin_index", _l("Công bố HTQLCL"), (Role.ADMIN, Role.VIEWER)),
    NavEntry("reports.index", _l("Báo cáo"), (Role.ADMIN, Role.VIEWER)),
    NavEntry("agencies.index", _l("Cơ quan"), STAFF, REGISTERS),
    NavEntry("decisions.index", _l("Quyết định"), (Role.ADMIN, Role.VIEWER), REGISTERS),
    NavEntry("training.index", _l("Đào tạo"), (Role.ADMIN, Role.VIEWER), REGISTERS),
    NavEntry("checklists.index", _l("Phiếu kiểm tra"), (Role.ADMIN,), REGISTERS),
    NavEntry("admin.index", _l("Quản trị"), (Role.ADMIN,)),
)

PUBLIC_ENTRIES = (NavEntry("conformity.public_register", _l("Danh sách công bố HTQLCL"), ()),)


def nav_items(user) -> list[dict]:
    """The bar: links, and dropdowns (`children`) for groups of two or more entries,
    placed where the group's first entry would be; the current page is marked active."""
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for entry, item in _visible(user):
        if entry.group is None:
            items.append(item)
            continue
        key = str(entry.group)
        if key not in groups:
            groups[key] = {"label": entry.group, "children": [], "active": False}
            items.append(groups[key])
        groups[key]["children"].append(item)
        groups[key]["active"] |= item["active"]
    return [
        group["children"][0] if group.get("children") and len(group["children"]) == 1 else group
        for group in items
    ]


def _visible(user) -> list[tuple[NavEntry, dict]]:
    entries = NAV_ENTRIES if user.is_authenticated else PUBLIC_ENTRIES
    exact = any(entry.endpoint == request.endpoint for entry in entries)
    items = []
    for entry in entries:
        if entry.endpoint not in current_app.view_functions:
            continue
        if user.is_authenticated and user.role not in entry.roles:
            continue
        blueprint = entry.endpoint.partition(".")[0]
        items.append(
            (
                entry,
                {
                    "url": url_for(entry.endpoint),
                    "label": entry.label,
                    "active": request.endpoint == entry.endpoint
                    or (
                        not exact and blueprint not in ("main",) and request.blueprint == blueprint
                    ),
                },
            )
        )
    return items
