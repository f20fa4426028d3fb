"""Form fields shared by every blueprint: dd/mm/yyyy dates, choices, required messages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, StopValidation, ValidationError
from wtforms.widgets import TextInput

from inspect_app.services import regulations
from inspect_app.services.date_range import day_in_range, range_text


def out_of_range_message() -> str:
    return _l("Ngày phải nằm trong khoảng %(range)s.", range=range_text())


class DayField(DateField):
    """A date typed as dd/mm/yyyy (the department's way), with a Vietnamese error."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d/%m/%Y")
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            self.data = None
            raise ValueError(_l("Ngày phải có dạng dd/mm/yyyy, ví dụ 20/04/2017.")) from None
        if not day_in_range(self.data):
            self.data = None
            raise ValueError(out_of_range_message())

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # keep the format message; skip the checks of the date


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class ChoiceField(SelectField):
    """A select whose tampered values get a Vietnamese message."""

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_l("Giá trị đã chọn không hợp lệ."))


def required(field_label: str):
    return DataRequired(message=_l("Vui lòng nhập %(field)s.", field=field_label))


class NumbersField(StringField):
    """Document numbers separated by `;`, each checked against the register."""

    def numbers(self) -> list[str]:
        return regulations.split_numbers(self.data)

    def pre_validate(self, form) -> None:
        own = getattr(form, "number", None)
        own_key = regulations.number_key(own.data) if own is not None and own.data else None
        # a self-reference gets its own message from the document's checks
        numbers = [n for n in self.numbers() if regulations.number_key(n) != own_key]
        known = regulations.documents_by_key(numbers)
        unknown = [n for n in numbers if regulations.number_key(n) not in known]
        if unknown:
            raise ValidationError(
                _l("Không có văn bản số %(numbers)s trong sổ.", numbers=", ".join(unknown))
            )
