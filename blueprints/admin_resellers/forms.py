"""Forms of Site → Reseller clients: clients, quota and the numbered reseller templates."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from extensions import db
from models import ResellerTemplate
from services.reseller import clients as reseller_clients
from services.reseller import templates as reseller_templates

ID_RULE = Regexp(r"^[A-Za-z0-9_.-]+\Z", message=_l("Letters, digits, '.', '_' and '-' only."))
MAX_QUOTA = 1_000_000_000


def template_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(db.select(ResellerTemplate).order_by(ResellerTemplate.number))
    return [(t.number, f"{t.number} · {t.name}" + ("" if t.enabled else " (off)")) for t in rows]


def country_codes(raw: str) -> list[str]:
    """ISO codes from "CN, HK mo"; ValueError naming the unknown ones."""
    codes = [c.strip().upper() for c in raw.replace(",", " ").split() if c.strip()]
    unknown = [c for c in codes if c not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise ValueError(", ".join(unknown))
    return list(dict.fromkeys(codes))


class _ClientFields(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)],
                       description=_l("Who this is, e.g. the downstream company."))
    allowed_templates = SelectMultipleField(
        _l("Allowed templates"), choices=[],
        description=_l("Hold Ctrl (⌘ on a Mac) to pick several. None selected: every "
                        "enabled reseller template."))
    allowed_countries = StringField(
        _l("Allowed countries"), validators=[Optional(), Length(max=300)],
        description=_l("ISO country codes separated by commas, e.g. CN, HK. Blank: the "
                       "countries allowed in Member settings."))
    rate_per_minute = IntegerField(_l("Requests per minute"), default=60,
                                   validators=[DataRequired(), NumberRange(min=1, max=6000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_templates.choices = template_choices()

    def validate_allowed_countries(self, field):
        try:
            field.data = ", ".join(country_codes(field.data or ""))
        except ValueError as exc:
            raise ValidationError(_l("Unknown country code: %(value)s (use ISO codes such as "
                                     "CN, HK, US).", value=str(exc))) from None

    def countries(self) -> list[str]:
        return country_codes(self.allowed_countries.data or "")


class ClientForm(_ClientFields):
    client_id = StringField(_l("Member ID"), validators=[DataRequired(), Length(min=3, max=64),
                                                         ID_RULE],
                            description=_l("The downstream panel enters it as 会员ID / Member ID."))
    quota = IntegerField(_l("Quota (messages)"), default=0,
                         validators=[NumberRange(min=0, max=MAX_QUOTA)])

    def validate_client_id(self, field):
        if reseller_clients.find_client(field.data) is not None:
            raise ValidationError(_l("This member ID is taken."))


class EditClientForm(_ClientFields):
    pass


class QuotaForm(FlaskForm):
    delta = IntegerField(_l("Add messages"), validators=[
        DataRequired(), NumberRange(min=-MAX_QUOTA, max=MAX_QUOTA)],
        description=_l("A negative number removes messages; the quota never goes below 0."))


class TemplateForm(FlaskForm):
    number = StringField(_l("Template number"), validators=[DataRequired(), Length(max=32)],
        description=_l("Published to resellers; it cannot be changed later."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    content = TextAreaField(_l("Content"), validators=[
        DataRequired(), Length(max=reseller_templates.MAX_CONTENT_LENGTH)],
        render_kw={"rows": 3},
        description=_l("Variables as {{ code }}; a request must give every variable used."))
    provider_template_code = StringField(
        _l("Provider template number"), validators=[Optional(), Length(max=64)],
        description=_l("What this Herald's own gateway needs for this text (Alibaba "
                       "TemplateCode, Tencent TemplateId, the next upstream's number)."))
    enabled = BooleanField(_l("Enabled"), default=True)

    def __init__(self, *args, editing: ResellerTemplate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.variables: list[str] = []
        if editing is not None:
            del self.number

    def validate_number(self, field):
        # fullmatch: a Regexp validator's "$" would also accept a trailing newline.
        if not reseller_templates.NUMBER_PATTERN.fullmatch(field.data or ""):
            raise ValidationError(_l("Letters, digits, '.', '_' and '-' only."))
        if reseller_templates.find(field.data) is not None:
            raise ValidationError(_l("This template number is taken."))

    def validate_content(self, field):
        try:
            self.variables = reseller_templates.variables_of(field.data or "")
        except reseller_templates.TemplateContentError as exc:
            raise ValidationError(_l("The template cannot be used: %(reason)s",
                                     reason=str(exc))) from None
