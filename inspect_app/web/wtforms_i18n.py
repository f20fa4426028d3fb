"""WTForms' own messages ("This field is required.") from the app's catalogue.

WTForms ships no Vietnamese translation, and Flask-WTF would look for one in WTForms'
folder. Every form therefore takes its built-in messages from the app's catalogue
(vi and en), where `BUILTIN_MESSAGES` below keeps them for `make extract-messages`.
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

#: every message WTForms 3 and Flask-WTF produce by themselves (msgids are theirs).
BUILTIN_MESSAGES = (
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("CSRF token missing."),
    _l("Choices cannot be None."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("File does not have an approved extension."),
    _l("File does not have an approved extension: {extensions}"),
    _l("Invalid CSRF Token."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Invalid email address."),
    _l("Invalid field name '%s'."),
    _l("Invalid input."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid integer value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("This field is required."),
)


def builtin_plurals(ngettext) -> list[str]:
    """WTForms' plural messages, written out so that extraction finds them."""
    return [
        ngettext(
            "'%(value)s' is not a valid choice for this field.",
            "'%(value)s' are not valid choices for this field.",
            1,
        ),
        ngettext(
            "Field cannot be longer than %(max)d character.",
            "Field cannot be longer than %(max)d characters.",
            1,
        ),
        ngettext(
            "Field must be at least %(min)d character long.",
            "Field must be at least %(min)d characters long.",
            1,
        ),
        ngettext(
            "Field must be exactly %(max)d character long.",
            "Field must be exactly %(max)d characters long.",
            1,
        ),
    ]


class CatalogueTranslations:
    """The gettext pair WTForms asks for, answered from the app's catalogue. WTForms fills
    the placeholders itself, so the strings are returned unformatted."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string) if has_request_context() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = CatalogueTranslations()


def _catalogue_translations(self, form):
    return TRANSLATIONS


def init_app(app) -> None:
    """Point every FlaskForm at the app's catalogue (WTForms' per-form Meta hook)."""
    FlaskForm.Meta.get_translations = _catalogue_translations
