"""Forms for Site → Admins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.validators import Email as EmailValidator

from core.admins import ADMIN_PASSWORD_MIN
from core.phones import parse_phone
from models import ROLE_OPERATOR, ROLE_SUPER

ROLE_CHOICES = [(ROLE_SUPER, _l("Super admin")), (ROLE_OPERATOR, _l("Operator"))]


class ContactMixin:
    """Phone (stored as E.164) and email: where operation-protection codes go."""

    def validate_phone(self, field):
        if field.data:
            try:
                field.data = parse_phone(field.data, check_allowed=False)
            except ValueError:
                raise ValidationError(_l("Enter a valid phone number.")) from None


class AdminEditForm(ContactMixin, FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EmailValidator()])
    active = BooleanField(_l("Active"))
    login_code = BooleanField(_l("Ask for a code at sign-in"))
    submit = SubmitField(_l("Save"))


class ProfileForm(ContactMixin, FlaskForm):
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)],
                        description=_l("Operation-protection and sign-in codes are sent here."))
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EmailValidator()])
    login_code = BooleanField(_l("Ask for a code at sign-in"))
    submit = SubmitField(_l("Save"))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=ADMIN_PASSWORD_MIN, max=128)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Set password"))
