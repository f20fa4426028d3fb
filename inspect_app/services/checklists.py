"""Checklist template versions: copy into a new version, edit it while no inspection uses it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from inspect_app.errors import DomainError
from inspect_app.extensions import db
from inspect_app.models import ChecklistItem, ChecklistTemplate, Inspection
from inspect_app.services import audit

ITEM_FIELDS = [
    "template_id",
    "code",
    "group_code",
    "group_title",
    "group_title_en",
    "text",
    "text_en",
    "guidance",
    "position",
]
TEMPLATE_FIELDS = ["name", "standard", "version", "based_on_id"]


class TemplateLocked(DomainError):
    """The version is used by an inspection, so its items may no longer change."""


class ChecklistError(DomainError):
    status_code = 422


@dataclass
class TemplateRow:
    template: ChecklistTemplate
    items: int
    used_by: int


def usage_count(template: ChecklistTemplate) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Inspection)
            .where(Inspection.template_id == template.id)
        )
        or 0
    )


def is_used(template: ChecklistTemplate) -> bool:
    """Whether any inspection pins this version (which makes it immutable)."""
    return (
        db.session.scalar(
            select(Inspection.id).where(Inspection.template_id == template.id).limit(1)
        )
        is not None
    )


def list_templates() -> list[TemplateRow]:
    """Every version, by name then version, with its item and usage counts."""
    items = (
        select(ChecklistItem.template_id, func.count().label("n"))
        .group_by(ChecklistItem.template_id)
        .subquery()
    )
    uses = (
        select(Inspection.template_id, func.count().label("n"))
        .where(Inspection.template_id.is_not(None))
        .group_by(Inspection.template_id)
        .subquery()
    )
    query = (
        select(ChecklistTemplate, items.c.n, uses.c.n)
        .outerjoin(items, items.c.template_id == ChecklistTemplate.id)
        .outerjoin(uses, uses.c.template_id == ChecklistTemplate.id)
        .order_by(ChecklistTemplate.name, ChecklistTemplate.version.desc())
    )
    return [
        TemplateRow(t, n_items or 0, n_uses or 0)
        for t, n_items, n_uses in db.session.execute(query)
    ]


def next_version(name: str) -> int:
    latest = db.session.scalar(
        select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.name == name)
    )
    return (latest or 0) + 1


def copy_template(template: ChecklistTemplate, by) -> ChecklistTemplate:
    """A new, editable version (the highest of its name + 1) with the same items."""
    copy = ChecklistTemplate(
        name=template.name,
        standard=template.standard,
        version=next_version(template.name),
        based_on_id=template.id,
    )
    for item in template.items:
        copy.items.append(ChecklistItem(**{f: getattr(item, f) for f in ITEM_FIELDS[1:]}))
    db.session.add(copy)
    db.session.flush()
    after = {**audit.snapshot(copy, TEMPLATE_FIELDS), "items": len(copy.items)}
    audit.record("copy", copy, after=after, user=by)
    return copy


def _ensure_editable(template: ChecklistTemplate) -> None:
    if is_used(template):
        raise TemplateLocked(
            _(
                "Phiên bản %(v)d của phiếu kiểm tra đã được dùng cho cuộc kiểm tra nên không "
                "thể sửa; hãy tạo phiên bản mới.",
                v=template.version,
            )
        )


def code_taken(
    template: ChecklistTemplate, code: str, exclude: ChecklistItem | None = None
) -> bool:
    query = select(ChecklistItem.id).where(
        ChecklistItem.template_id == template.id,
        func.lower(ChecklistItem.code) == code.strip().lower(),
    )
    if exclude is not None and exclude.id is not None:
        query = query.where(ChecklistItem.id != exclude.id)
    return db.session.scalar(query.limit(1)) is not None


def group_title_of(template: ChecklistTemplate, group_code: str) -> tuple[str, str] | None:
    """The (vi, en) title already used by this group in the template, if the group exists."""
    for item in template.items:
        if item.group_code == group_code:
            return item.group_title, item.group_title_en
    return None


def _clean(template: ChecklistTemplate, item: ChecklistItem | None, values: dict) -> dict:
    clean = {key: (values.get(key) or "").strip() for key in ITEM_FIELDS[1:-1]}
    clean["position"] = int(values.get("position") or 0)
    if not clean["code"]:
        raise ChecklistError(_("Cần nhập mã nội dung kiểm tra."))
    if not clean["text"]:
        raise ChecklistError(_("Cần nhập nội dung kiểm tra (tiếng Việt)."))
    if not clean["group_code"]:
        raise ChecklistError(_("Cần nhập mã nhóm."))
    if len(clean["code"]) > 16 or len(clean["group_code"]) > 16:
        raise ChecklistError(_("Mã nội dung và mã nhóm không được dài quá 16 ký tự."))
    if len(clean["group_title"]) > 255 or len(clean["group_title_en"]) > 255:
        raise ChecklistError(_("Tên nhóm không được dài quá 255 ký tự."))
    if code_taken(template, clean["code"], item):
        raise ChecklistError(_("Mã “%(code)s” đã có trong phiếu kiểm tra này.", code=clean["code"]))
    if not clean["group_title"]:
        existing = group_title_of(template, clean["group_code"])
        if existing is None:
            raise ChecklistError(_("Nhóm mới cần có tên nhóm."))
        clean["group_title"], clean["group_title_en"] = (
            existing[0],
            clean["group_title_en"] or existing[1],
        )
    return clean


def add_item(template: ChecklistTemplate, by, **values) -> ChecklistItem:
    """Add an item to an unused version."""
    _ensure_editable(template)
    item = ChecklistItem(**_clean(template, None, values))
    template.items.append(item)
    db.session.flush()
    audit.record("create", item, after=audit.snapshot(item, ITEM_FIELDS), user=by)
    return item


def update_item(item: ChecklistItem, by, **values) -> bool:
    """Edit an item of an unused version; returns whether anything changed."""
    template = item.template
    _ensure_editable(template)
    clean = _clean(template, item, values)
    before = audit.snapshot(item, ITEM_FIELDS)
    for key, value in clean.items():
        setattr(item, key, value)
    db.session.flush()
    old, new = audit.changes(before, audit.snapshot(item, ITEM_FIELDS))
    if new:
        audit.record("update", item, before=old, after=new, user=by)
    return bool(new)


def delete_item(item: ChecklistItem, by) -> None:
    """Remove an item from an unused version."""
    template = item.template
    _ensure_editable(template)
    before = audit.snapshot(item, ITEM_FIELDS)
    audit.record("delete", item, before=before, user=by)
    template.items.remove(item)
    db.session.flush()
