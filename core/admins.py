"""Admin account creation shared by the web forms and the CLI."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.validators import Email as EmailValidator

from core import audit
from core.passwords import hash_password
from core.phones import InvalidPhone, parse_phone
from extensions import db
from models import ROLE_OPERATOR, ROLE_SUPER, Admin

ADMIN_PASSWORD_MIN = 10


class AdminForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Letters, digits, '.', '_' and '-' only.")),
    ])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=ADMIN_PASSWORD_MIN, max=128),
    ])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), EmailValidator()])
    # The least privileged role is preselected: a super admin is a deliberate choice.
    role = SelectField(_l("Role"), choices=[(ROLE_SUPER, _l("Super admin")),
                                            (ROLE_OPERATOR, _l("Operator"))],
                       default=ROLE_OPERATOR)
    submit = SubmitField(_l("Create admin"))

    def validate_username(self, field):
        taken = db.session.scalar(db.select(Admin.id).where(Admin.username == field.data))
        if taken is not None:
            raise ValidationError(_l("This username is taken."))

    def validate_phone(self, field):
        if field.data:
            try:
                field.data = parse_phone(field.data, check_allowed=False)
            except InvalidPhone:
                raise ValidationError(_l("Enter a valid phone number.")) from None


def make_admin(username: str, password: str, phone: str = "", email: str = "",
               role: str = ROLE_SUPER) -> Admin:
    admin = Admin(username=username, password_hash=hash_password(password), phone=phone,
                  email=email, role=role)
    db.session.add(admin)
    db.session.flush()
    audit.record("admin.create", target=username,
                 changes={"role": [None, role], "phone": [None, phone], "email": [None, email]})
    db.session.commit()
    return admin


def needs_securing(admin: Admin) -> bool:
    """No phone and no email: no code can reach this admin, so operation protection cannot
    confirm anything until one is bound (blueprints/admin_auth/secure.py)."""
    return not (admin.phone or admin.email)


def create_admin(form: AdminForm) -> Admin:
    return make_admin(form.username.data, form.password.data, form.phone.data or "",
                      form.email.data or "", form.role.data)
