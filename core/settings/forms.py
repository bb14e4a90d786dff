"""Build a settings tab's WTForms form from the declarations of its group.

Each field validates with its setting's own converter, so the page, the CLI and imports
refuse exactly the same values with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from core.settings import store
from core.settings.registry import in_group
from core.settings.types import Setting, SettingError

KEEP_HINT = _l("Leave blank to keep")  # seed 001: 留空则不修改


def field_name(setting_name: str) -> str:
    return setting_name.replace(".", "__")


def _converter_validator(setting: Setting):
    def check(_form, field: Field) -> None:
        if setting.secret and not field.data:
            return  # blank secret = keep the stored one
        try:
            setting.convert(field.data)
        except SettingError as exc:
            raise ValidationError(str(exc.args[0])) from None

    return check


def _make_field(setting: Setting) -> Field:
    common: dict[str, Any] = {
        "label": setting.label,
        "description": setting.description,
        "validators": [_converter_validator(setting)],
    }
    if setting.secret:
        return PasswordField(render_kw={"placeholder": KEEP_HINT, "autocomplete": "new-password"},
                             **common)
    if setting.kind == "bool":
        return BooleanField(**common)
    if setting.kind == "choice":
        return SelectField(choices=setting.choice_list, validate_choice=False, **common)
    if setting.kind == "text":
        return TextAreaField(render_kw={"rows": 4}, **common)
    if setting.kind == "networks":  # one address or network per line
        return TextAreaField(render_kw={"rows": 4, "spellcheck": "false"}, **common)
    render_kw: dict[str, Any] = {}
    if setting.kind in {"int", "float"}:
        render_kw = {"type": "number", "inputmode": "numeric",
                     "step": "1" if setting.kind == "int" else "any"}
        if setting.minimum is not None:
            render_kw["min"] = setting.minimum
        if setting.maximum is not None:
            render_kw["max"] = setting.maximum
    return StringField(render_kw=render_kw, **common)


def form_class(group: str) -> type[FlaskForm]:
    """A FlaskForm subclass holding one field per setting of ``group``."""
    attrs: dict[str, Any] = {field_name(s.name): _make_field(s) for s in in_group(group)}
    attrs["submit"] = SubmitField(_l("Save settings"))
    return type(f"{group.title()}SettingsForm", (FlaskForm,), attrs)


def build_form(group: str) -> FlaskForm:
    """The tab's form, prefilled from the stored values (secrets left blank)."""
    data = {}
    for setting in in_group(group):
        if setting.secret:
            continue
        value = store.get(setting.name)
        data[field_name(setting.name)] = value if setting.kind == "bool" else \
            setting.to_text(value)
    # Flask-WTF binds the submitted form itself; ``data`` only fills a fresh GET.
    return form_class(group)(data=data)


def submitted_values(form: FlaskForm, group: str) -> dict[str, Any]:
    """What the admin submitted, minus blank secrets (which mean "keep")."""
    values = {}
    for setting in in_group(group):
        data = form[field_name(setting.name)].data
        if setting.secret and not data:
            continue
        values[setting.name] = data
    return values


def attach_errors(form: FlaskForm, errors: dict[str, Any]) -> None:
    """Show store-level refusals (group checks) under the fields they concern."""
    for name, message in errors.items():
        field = getattr(form, field_name(name), None)
        if field is not None:
            field.errors = [*list(field.errors), str(message)]
        else:
            form.form_errors.append(str(message))


@dataclass(frozen=True)
class Section:
    heading: Any
    gateway: str  # the gateway these fields configure, "" for general settings
    fields: list[str]


def sections(group: str) -> list[Section]:
    """Field names grouped under their sub-headings, in declaration order."""
    grouped: dict[str, Section] = {}
    for setting in in_group(group):
        key = str(setting.section)
        section = grouped.setdefault(
            key, Section(setting.section, setting.extra.get("gateway", ""), []))
        section.fields.append(field_name(setting.name))
    return list(grouped.values())
