"""Forms of the member sign-in, registration and recovery pages (seed 001's wording)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from core import settings
from core.phones import InvalidPhone, parse_phone
from services.members import passwords as member_passwords

CODE_PATTERN = r"^\d{4,8}$"
QQ_PATTERN = re.compile(r"^[1-9]\d{4,11}$")
REFERRAL_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


def code_field(prompt=None) -> StringField:
    prompt = prompt or _l("Enter the SMS code")
    return StringField(_l("Verification code"), validators=[
        DataRequired(message=prompt),
        Regexp(CODE_PATTERN, message=_l("Enter the digits of the code you received")),
    ], render_kw={"placeholder": prompt, "inputmode": "numeric",
                  "autocomplete": "one-time-code", "maxlength": 8})


class PhoneField(StringField):
    """A phone number, given back in E.164; refused outside the allowed countries."""

    def pre_validate(self, form) -> None:
        if self.data:
            try:
                self.data = parse_phone(self.data)
            except InvalidPhone:
                from core import catalog

                raise ValidationError(catalog.message("invalid_phone")) from None


class NewPasswordMixin:
    """Password and confirmation, within the configured bounds, not a common one."""

    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirm password"), validators=[
        DataRequired(message=_l("Enter the password again")),
        EqualTo("password", message=_l("The two passwords differ")),
    ], render_kw={"placeholder": _l("Enter the password again"),
                  "autocomplete": "new-password"})

    def validate_password(self, field) -> None:
        problem = member_passwords.problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class PasswordLoginForm(FlaskForm):
    account = StringField(_l("Phone or email"), validators=[DataRequired(), Length(max=254)],
                          render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class CodeLoginForm(FlaskForm):
    phone = PhoneField(_l("Phone"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "tel", "inputmode": "tel",
                                  "placeholder": _l("Enter your phone number")})
    code = code_field()
    submit = SubmitField(_l("Sign in"))


class RegisterForm(NewPasswordMixin, FlaskForm):
    phone = PhoneField(_l("Phone"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "tel", "inputmode": "tel",
                                  "placeholder": _l("Enter your phone number")})
    code = code_field()
    # Whether QQ and referral are required is a Member setting, so both are checked in
    # validate_* rather than with Optional(), which would stop the chain when empty.
    qq = StringField(_l("QQ number"), validators=[Length(max=16)],
                     render_kw={"placeholder": _l("Enter your QQ number"),
                                "inputmode": "numeric"})
    referral = StringField(_l("Referral code"), validators=[Length(max=32)],
                           render_kw={"placeholder": _l("Enter your referral code")})
    agree = BooleanField(_l("I have read and accept the Terms of Service"), validators=[
        DataRequired(message=_l("Accept the Terms of Service to register"))])
    submit = SubmitField(_l("Agree and register"))

    def validate_qq(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            if settings.get("member.require_qq"):
                raise ValidationError(_l("Enter your QQ number"))
        elif not QQ_PATTERN.match(field.data):
            raise ValidationError(_l("Enter a valid QQ number"))

    def validate_referral(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            if settings.get("member.require_referral"):
                raise ValidationError(_l("Enter your referral code"))
        elif not REFERRAL_PATTERN.match(field.data):
            raise ValidationError(_l("Letters, digits, '-' and '_' only"))


class ForgotForm(NewPasswordMixin, FlaskForm):
    account = StringField(_l("Phone or email"), validators=[DataRequired(), Length(max=254)],
                          render_kw={"autocomplete": "username",
                                     "placeholder": _l("Your bound phone number or email")})
    code = code_field(_l("Enter the verification code"))
    submit = SubmitField(_l("Reset password"))
