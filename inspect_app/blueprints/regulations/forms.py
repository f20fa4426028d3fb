"""Forms of the regulation tracker: documents register, filters, TTHC, process versions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from inspect_app.models import LegalDocument, LegalDocumentKind
from inspect_app.services import regulations
from inspect_app.services.regulations import DocumentData
from inspect_app.web.forms import ChoiceField, DayField, NumbersField, options, required

STATUS_CHOICES = (
    ("", _l("Tất cả")),
    ("in_force", _l("Đang có hiệu lực")),
    ("changed", _l("Đã bị thay thế hoặc sửa đổi")),
)


class DocumentFilterForm(FlaskForm):
    """Search and filters of the register, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Tìm theo số hiệu, trích yếu, cơ quan ban hành"), validators=[Length(max=255)]
    )
    kind = SelectField(
        _l("Loại văn bản"),
        choices=options([("", _l("Tất cả các loại"))] + LegalDocumentKind.choices()),
        default="",
    )
    status = SelectField(_l("Hiệu lực"), choices=options(STATUS_CHOICES), default="")

    def filters(self) -> regulations.DocumentFilters:
        if not self.validate():
            return regulations.DocumentFilters()
        return regulations.DocumentFilters(
            q=(self.q.data or "").strip(), kind=self.kind.data or "", status=self.status.data or ""
        )


class DocumentForm(FlaskForm):
    """Create or edit a legal document; pass the edited one as `document`."""

    number = StringField(
        _l("Số hiệu"),
        validators=[required(_l("số hiệu")), Length(max=regulations.NUMBER_MAX)],
        render_kw={"placeholder": "971/QĐ-UBND"},
    )
    kind = ChoiceField(_l("Loại văn bản"), choices=options(LegalDocumentKind.choices()))
    summary = TextAreaField(
        _l("Trích yếu"), validators=[required(_l("trích yếu")), Length(max=5000)]
    )
    issuer = StringField(
        _l("Cơ quan ban hành"),
        validators=[Optional(), Length(max=regulations.ISSUER_MAX)],
        render_kw={"placeholder": "UBND tỉnh Quảng Ngãi"},
    )
    signed_on = DayField(_l("Ngày ban hành"), validators=[required(_l("ngày ban hành"))])
    effective_on = DayField(_l("Ngày hiệu lực"), validators=[required(_l("ngày hiệu lực"))])
    expires_on = DayField(_l("Ngày hết hiệu lực (nếu có)"), validators=[Optional()])
    replaces = NumbersField(
        _l("Thay thế văn bản (số hiệu, cách nhau bởi dấu ;)"), validators=[Length(max=2000)]
    )
    amends = NumbersField(
        _l("Sửa đổi, bổ sung văn bản (số hiệu, cách nhau bởi dấu ;)"),
        validators=[Length(max=2000)],
    )

    def __init__(self, *args, document: LegalDocument | None = None, **kwargs):
        super().__init__(*args, obj=document, **kwargs)
        self.document = document
        if document is not None and not self.is_submitted():
            self.kind.data = document.kind.value
            changes = document.changes
            self.replaces.data = "; ".join(
                c.target.number for c in changes if c.change.value == "replaced"
            )
            self.amends.data = "; ".join(
                c.target.number for c in changes if c.change.value == "amended"
            )

    def validate_number(self, field) -> None:
        other = regulations.find_document(field.data or "")
        if other is not None and other is not self.document:
            raise ValidationError(_l("Văn bản số %(number)s đã có trong sổ.", number=other.number))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for name, message in regulations.document_problems(self.values()):
            getattr(self, name).errors.append(message)
            ok = False
        return ok

    def values(self) -> DocumentData:
        return DocumentData(
            number=self.number.data or "",
            kind=LegalDocumentKind(self.kind.data) if self.kind.data else None,
            summary=self.summary.data or "",
            issuer=self.issuer.data or "",
            signed_on=self.signed_on.data,
            effective_on=self.effective_on.data,
            expires_on=self.expires_on.data,
            replaces=self.replaces.numbers(),
            amends=self.amends.numbers(),
        )


class ProceduresForm(FlaskForm):
    """The TTHC a decision announces for one agency, one per line (`Lĩnh vực | Tên`)."""

    agency_code = StringField(
        _l("Mã cơ quan"), validators=[required(_l("mã cơ quan")), Length(max=32)]
    )
    procedures = TextAreaField(
        _l("Thủ tục hành chính (mỗi dòng một thủ tục; có thể ghi “Lĩnh vực | Tên thủ tục”)"),
        validators=[required(_l("ít nhất một thủ tục hành chính")), Length(max=50000)],
    )

    def entries(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.procedures.data or "").splitlines():
            if not line.strip():
                continue
            field_name, _sep, name = line.rpartition("|")
            rows.append((field_name.strip(), name.strip()))
        return rows

    def validate_procedures(self, field) -> None:
        for number, (_field, name) in enumerate(self.entries(), start=1):
            if not name:
                raise ValidationError(_l("Dòng %(n)d chưa có tên thủ tục.", n=number))
            if len(name) > regulations.NAME_MAX:
                raise ValidationError(_l("Dòng %(n)d: tên thủ tục quá dài.", n=number))
