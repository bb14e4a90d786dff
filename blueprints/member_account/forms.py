"""Forms of the account page: each change is confirmed by a code to the current phone or
email (the ``via`` choice lists only what the member has bound)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from blueprints.member_auth.forms import PhoneField, code_field
from models.member import Member
from services.codes.destinations import InvalidDestination, normalise_email


class ConfirmForm(FlaskForm):
    via = SelectField(_l("Send the code to"), choices=[])
    code = code_field(_l("Enter the verification code"))

    def offer(self, member: Member) -> ConfirmForm:
        """Offer the member's own phone and email, masked, as where the code goes."""
        from core.phones import mask_phone

        choices = []
        if member.phone:
            choices.append(("phone", _l("Phone %(phone)s", phone=mask_phone(member.phone))))
        if member.email:
            choices.append(("email", _l("Email %(email)s", email=_mask_email(member.email))))
        self.via.choices = choices
        return self


def _mask_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return (name[:2] + "***@" + domain) if domain else email


class ChangePhoneForm(ConfirmForm):
    new_phone = PhoneField(_l("New phone number"), validators=[DataRequired(), Length(max=32)],
                           render_kw={"inputmode": "tel", "autocomplete": "tel"})
    submit = SubmitField(_l("Change phone"))


class ChangeEmailForm(ConfirmForm):
    new_email = StringField(_l("New email"), validators=[DataRequired(), Length(max=254)],
                            render_kw={"inputmode": "email", "autocomplete": "email"})
    submit = SubmitField(_l("Change email"))

    def validate_new_email(self, field) -> None:
        try:
            field.data = normalise_email(field.data)
        except InvalidDestination:
            from core import catalog

            raise ValidationError(catalog.message("invalid_email")) from None


class ChangeProtectionForm(ConfirmForm):
    question = StringField(_l("Security question"), validators=[DataRequired(), Length(max=200)],
                           render_kw={"placeholder": _l("e.g. The name of my primary school")})
    answer = PasswordField(_l("Answer"), validators=[DataRequired(), Length(min=2, max=100)],
                           render_kw={"autocomplete": "off"})
    confirm_answer = PasswordField(_l("Answer again"), validators=[
        DataRequired(), EqualTo("answer", message=_l("The two answers differ"))],
        render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Save password protection"))
