"""Render a template with a context, and check an uploaded template before it is used."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from flask_babel import gettext as _
from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from lxml.etree import XMLSyntaxError

from inspect_app.documents.samples import sample_contexts
from inspect_app.errors import DomainError

#: characters XML 1.0 cannot hold, and those docxtpl would turn into paragraph or page breaks.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


class TemplateRejected(DomainError):
    """An uploaded template that cannot be used; the message names the problem."""

    status_code = 422


def clean(value: Any) -> Any:
    """Context data safe for a Word file: text without control characters, line ends as \\n."""
    if isinstance(value, str):
        return _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined)


def render_docx(template: bytes, context: dict) -> bytes:
    """The document: `template` rendered with `context` (escaped, so `<` and `&` stay text)."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(clean(context), jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def placeholders(template: bytes) -> set[str]:
    """The top-level names a template uses."""
    return DocxTemplate(io.BytesIO(template)).get_undeclared_template_variables(
        jinja_env=_environment()
    )


def check_template(kind: str, data: bytes) -> None:
    """Raise TemplateRejected naming the problem unless `data` renders as a `kind` document."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateRejected(_("Tệp không phải là tài liệu Word (.docx)."))
    samples = sample_contexts(kind)
    try:
        unknown = sorted(placeholders(data) - set(samples[0]))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile):
        raise TemplateRejected(_("Tệp không phải là tài liệu Word (.docx).")) from None
    except TemplateSyntaxError as exc:
        raise TemplateRejected(
            _("Mẫu có lỗi cú pháp ở trường thay thế: %(error)s", error=exc.message)
        ) from None
    if unknown:
        raise TemplateRejected(_("Mẫu dùng trường không có: %(names)s.", names=", ".join(unknown)))
    for context in samples:
        try:
            render_docx(data, context)
        except UndefinedError as exc:
            match = _ATTRIBUTE.search(exc.message or "")
            name = match.group(1) if match else (exc.message or "")
            raise TemplateRejected(_("Mẫu dùng trường không có: %(names)s.", names=name)) from None
        except TemplateError as exc:
            raise TemplateRejected(
                _("Mẫu không tạo được văn bản: %(error)s", error=exc.message or str(exc))
            ) from None
        except (XMLSyntaxError, ValueError, KeyError) as exc:
            raise TemplateRejected(
                _("Mẫu không tạo được văn bản: %(error)s", error=str(exc))
            ) from None
