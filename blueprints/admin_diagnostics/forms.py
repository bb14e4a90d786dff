from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import NumberRange, Optional

from services.diagnostics.tracer import MAX_DAYS


class TracerForm(FlaskForm):
    """A GET form: reading the log changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Phone or email"), render_kw={
        "placeholder": _l("e.g. 13800138000, +85291234567 or member@example.com")})
    member = IntegerField(_l("or member ID"), validators=[Optional(), NumberRange(min=1)])
    days = IntegerField(_l("Last days"), default=7,
                        validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)])
    submit = SubmitField(_l("Trace"))
