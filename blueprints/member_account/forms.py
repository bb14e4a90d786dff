"""Forms of the account page.

Step one of a phone or email change, and the password-protection change, are confirmed by
a code to the current phone or email (the ``via`` choice lists only what the member has
bound); step two takes the new phone or email and the code sent to it. The password
change takes the current password instead of a code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from blueprints.member_auth.forms import NewPasswordMixin, PhoneField, code_field
from core import catalog
from core.phones import mask_phone
from models.member import Member
from services.codes.destinations import InvalidDestination, normalise_email


class ConfirmForm(FlaskForm):
    via = SelectField(_l("Send the code to"), choices=[])
    code = code_field(_l("Enter the verification code"))

    def offer(self, member: Member) -> ConfirmForm:
        """Offer the member's own phone and email, masked, as where the code goes."""
        choices = []
        if member.phone:
            choices.append(("phone", _l("Phone %(phone)s", phone=mask_phone(member.phone))))
        if member.email:
            choices.append(("email", _l("Email %(email)s", email=mask_email(member.email))))
        self.via.choices = choices
        return self


def mask_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return (name[:2] + "***@" + domain) if domain else email


class IdentityForm(ConfirmForm):
    """Step one of a phone or email change: it is the member who asks."""

    submit = SubmitField(_l("Next"))


class NewPhoneForm(FlaskForm):
    """Step two of a phone change: the new phone and the code sent to it."""

    new_phone = PhoneField(_l("New phone number"), validators=[DataRequired(), Length(max=32)],
                           render_kw={"inputmode": "tel", "autocomplete": "tel"})
    code = code_field(_l("Enter the code sent to the new phone"))
    submit = SubmitField(_l("Bind the new phone"))


class NewEmailForm(FlaskForm):
    """Step two of an email change: the new address and the code sent to it."""

    new_email = StringField(_l("New email"), validators=[DataRequired(), Length(max=254)],
                            render_kw={"inputmode": "email", "autocomplete": "email"})
    code = code_field(_l("Enter the code sent to the new email"))
    submit = SubmitField(_l("Bind the new email"))

    def validate_new_email(self, field) -> None:
        try:
            field.data = normalise_email(field.data)
        except InvalidDestination:
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


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    """The current password, then a new one within the password rules, twice."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Enter your current password")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))
