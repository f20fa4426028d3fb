"""Checklist template versions (admin): list, read, copy into a new version, edit unused ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from inspect_app.blueprints.checklists import bp
from inspect_app.blueprints.checklists.forms import ActionForm, ItemForm
from inspect_app.extensions import db
from inspect_app.models import ChecklistItem, ChecklistTemplate, Role
from inspect_app.permissions import roles_required
from inspect_app.services import checklists
from inspect_app.web.boundary import unit_of_work
from inspect_app.web.loaders import load_item, load_template


def _back(template: ChecklistTemplate):
    return redirect(url_for("checklists.detail", template_id=template.id))


def _refuse_if_used(template: ChecklistTemplate):
    """A redirect with the reason when the version is in use, else None."""
    if not checklists.is_used(template):
        return None
    flash(_("Phiên bản này đã được dùng cho cuộc kiểm tra nên không thể sửa."), "danger")
    return _back(template)


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template("checklists/index.html", rows=checklists.list_templates())


@bp.route("/<int:template_id>")
@roles_required(Role.ADMIN)
def detail(template_id: int):
    template = load_template(template_id)
    return render_template(
        "checklists/detail.html",
        template=template,
        used_by=checklists.usage_count(template),
        action_form=ActionForm(),
    )


@bp.route("/<int:template_id>/copy", methods=["POST"])
@roles_required(Role.ADMIN)
def copy(template_id: int):
    template = load_template(template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    new = checklists.copy_template(template, current_user)
    db.session.commit()
    flash(_("Đã tạo phiên bản %(v)d; bạn có thể sửa các nội dung.", v=new.version), "success")
    return _back(new)


def _saved(template: ChecklistTemplate):
    flash(_("Đã lưu nội dung kiểm tra."), "success")
    return _back(template)


@bp.route("/<int:template_id>/items/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def add_item(template_id: int):
    template = load_template(template_id)
    if refusal := _refuse_if_used(template):
        return refusal
    form = ItemForm(template=template)
    if not form.is_submitted():
        form.position.data = max((i.position for i in template.items), default=-1) + 1
    if form.validate_on_submit():
        with unit_of_work(form.code):
            checklists.add_item(template, current_user, **form.values())
            return _saved(template)
    return _form_page(form, template, None)


@bp.route("/<int:template_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_item(template_id: int, item_id: int):
    template = load_template(template_id)
    item = load_item(template, item_id)
    if refusal := _refuse_if_used(template):
        return refusal
    form = ItemForm(template=template, item=item)
    if form.validate_on_submit():
        with unit_of_work(form.code):
            checklists.update_item(item, current_user, **form.values())
            return _saved(template)
    return _form_page(form, template, item)


def _form_page(form: ItemForm, template: ChecklistTemplate, item: ChecklistItem | None):
    groups = {i.group_code: i.group_title for i in template.items}
    page = render_template(
        "checklists/item_form.html", form=form, template=template, item=item, groups=groups
    )
    return page, 422 if form.errors else 200


@bp.route("/<int:template_id>/items/<int:item_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_item(template_id: int, item_id: int):
    template = load_template(template_id)
    item = load_item(template, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    code = item.code
    with unit_of_work():
        checklists.delete_item(item, current_user)
        flash(_("Đã xóa nội dung %(code)s.", code=code), "success")
    return _back(template)
