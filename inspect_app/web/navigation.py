"""The navigation bar per role; entries appear once their blueprint is registered."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from inspect_app.models import Role
from inspect_app.permissions import ALL_ROLES, DEPARTMENT_ROLES, STAFF_ROLES


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    roles: tuple[Role, ...]
    #: entries sharing a group label sit in one dropdown of the bar (a lone one stays a link).
    group: str | None = None


ALL = ALL_ROLES
STAFF = STAFF_ROLES
REGISTERS = _l("Danh mục")

NAV_ENTRIES = (
    NavEntry("main.index", _l("Trang chủ"), ALL),
    NavEntry("plans.index", _l("Kế hoạch kiểm tra"), STAFF),
    NavEntry("inspections.index", _l("Cuộc kiểm tra"), STAFF),
    NavEntry("followup.findings_register", _l("Phát hiện"), ALL),
    NavEntry("inspections.offline_data", _l("Dữ liệu ngoại tuyến"), (Role.INSPECTOR,)),
    NavEntry("portal.index", _l("Cơ quan của tôi"), (Role.AGENCY,)),
    NavEntry("processes.index", _l("Quy trình ISO"), (Role.AGENCY,)),
    NavEntry("conformity.admin_index", _l("Công bố HTQLCL"), DEPARTMENT_ROLES),
    NavEntry("reports.index", _l("Báo cáo"), DEPARTMENT_ROLES),
    NavEntry("agencies.index", _l("Cơ quan"), STAFF, REGISTERS),
    NavEntry("decisions.index", _l("Quyết định"), DEPARTMENT_ROLES, REGISTERS),
    NavEntry("regulations.index", _l("Văn bản & quy trình"), STAFF, REGISTERS),
    NavEntry("training.index", _l("Đào tạo"), DEPARTMENT_ROLES, REGISTERS),
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


def inspection_page(inspection) -> str:
    """The inspection page (CONTRACTS 5.7 fixes its path)."""
    return f"/inspections/{inspection.id}"


def safe_next(target: str | None) -> str | None:
    """Only paths of this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
