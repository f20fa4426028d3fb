"""Forms of the agency portal; every rule of the input lives here (the services check again)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)

from inspect_app import clock
from inspect_app.models import Standard
from inspect_app.services import conformity
from inspect_app.services.portal import DOSSIER_DOCUMENT_TYPES, dossier_document_types
from inspect_app.storage import ACCEPT, ALLOWED_EXTENSIONS
from inspect_app.web.forms import ChoiceField, DayField, options, required

ALLOWED_TYPES_MESSAGE = _l(
    "Chỉ nhận tệp PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods) "
    "và ảnh JPG, PNG."
)


def _allowed_files() -> FileAllowed:
    return FileAllowed(list(ALLOWED_EXTENSIONS), ALLOWED_TYPES_MESSAGE)


class WholeNumberField(IntegerField):
    """An integer with a Vietnamese message when the text is not one."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text.replace(".", "").replace(" ", ""))
        except ValueError:
            self.data = None
            raise ValueError(_l("Vui lòng nhập một số nguyên, ví dụ 96.")) from None

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # keep the format message only


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class NotificationForm(FlaskForm):
    """Mark a notification read, then come back to `next` (a path of this site)."""

    next = HiddenField()


class DossierFileForm(FlaskForm):
    """One file of the dossier, its kind of document and the date it took effect."""

    file = FileField(
        _l("Tệp tài liệu"),
        validators=[FileRequired(_l("Vui lòng chọn tệp để tải lên.")), _allowed_files()],
        render_kw={"accept": ACCEPT},
    )
    document_type = ChoiceField(
        _l("Loại tài liệu"),
        choices=options(
            [("", _l("— Chọn loại tài liệu —"))] + [(t, t) for t in DOSSIER_DOCUMENT_TYPES]
        ),
        validators=[required(_l("loại tài liệu"))],
        default="",
    )
    effective_on = DayField(
        _l("Ngày ban hành / hiệu lực"), validators=[required(_l("ngày ban hành / hiệu lực"))]
    )

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the documents the team asked for come first, so that each file answers one.
        kinds = dossier_document_types(inspection) if inspection is not None else []
        self.document_type.choices = options(
            [("", _l("— Chọn loại tài liệu —"))]
            + [(t, t) for t in kinds or DOSSIER_DOCUMENT_TYPES]
        )

    def validate_effective_on(self, field) -> None:
        if field.data is not None and field.data.year < 1990:
            raise ValidationError(_l("Ngày hiệu lực không hợp lệ."))


class FindingResponseForm(FlaskForm):
    """The agency's corrective action: the root cause, what it did, and the evidence."""

    root_cause = TextAreaField(
        _l("Nguyên nhân"),
        validators=[
            DataRequired(_l("Vui lòng nêu nguyên nhân.")),
            Length(max=10000, message=_l("Tối đa 10.000 ký tự.")),
        ],
    )
    action_taken = TextAreaField(
        _l("Hành động khắc phục đã thực hiện"),
        validators=[
            DataRequired(_l("Vui lòng nêu hành động khắc phục đã thực hiện.")),
            Length(max=10000, message=_l("Tối đa 10.000 ký tự.")),
        ],
    )
    files = MultipleFileField(
        _l("Tệp bằng chứng khắc phục"),
        validators=[_allowed_files()],
        render_kw={"accept": ACCEPT},
    )

    def __init__(self, *args, files_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.files_required = files_required

    def chosen_files(self) -> list:
        return [f for f in self.files.data or [] if getattr(f, "filename", "")]

    def validate_files(self, field) -> None:
        if self.files_required and not self.chosen_files():
            raise ValidationError(_l("Vui lòng đính kèm ít nhất một tệp bằng chứng khắc phục."))


class AnnouncementForm(FlaskForm):
    """A conformity announcement; `agency` is the announcing agency (duplicates are refused)."""

    number = StringField(
        _l("Số quyết định công bố"),
        validators=[
            required(_l("số quyết định công bố")),
            Length(max=64, message=_l("Tối đa 64 ký tự.")),
        ],
        render_kw={"placeholder": "125/QĐ-UBND"},
    )
    announced_on = DayField(
        _l("Ngày ký quyết định"), validators=[required(_l("ngày ký quyết định"))]
    )
    standard = ChoiceField(
        _l("Tiêu chuẩn"),
        # TCVN ISO 9001:2008 stays for announcements of its time only, never a new one.
        choices=options([(Standard.ISO_9001_2015.value, Standard.ISO_9001_2015.value)]),
        default=Standard.ISO_9001_2015.value,
    )
    scope = TextAreaField(
        _l("Phạm vi áp dụng"),
        validators=[
            required(_l("phạm vi áp dụng")),
            Length(max=10000, message=_l("Tối đa 10.000 ký tự.")),
        ],
    )
    procedures_count = WholeNumberField(
        _l("Số thủ tục hành chính thuộc phạm vi"),
        validators=[
            InputRequired(_l("Vui lòng nhập số thủ tục hành chính.")),
            NumberRange(min=0, max=100000, message=_l("Số thủ tục phải từ 0 đến 100.000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    file = FileField(
        _l("Quyết định công bố đã ký (bản quét)"),
        validators=[
            FileRequired(_l("Vui lòng đính kèm quyết định công bố đã ký.")),
            _allowed_files(),
        ],
        render_kw={"accept": ACCEPT},
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def validate_number(self, field) -> None:
        existing = conformity.duplicate_of(self.agency, field.data or "")
        if existing is not None:
            raise ValidationError(
                _l(
                    "Cơ quan đã gửi công bố số %(number)s (ngày %(day)s); không gửi trùng.",
                    number=existing.number,
                    day=existing.announced_on.strftime("%d/%m/%Y"),
                )
            )

    def validate_announced_on(self, field) -> None:
        if field.data is not None and field.data > clock.today():
            raise ValidationError(_l("Ngày ký quyết định công bố không được ở tương lai."))
