"""Forms of the member sign-in, registration and recovery pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class PasswordLoginForm(FlaskForm):
    account = StringField(_l("Phone or email"), validators=[DataRequired(), Length(max=254)],
                          render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))
