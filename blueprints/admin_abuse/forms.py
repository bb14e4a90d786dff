from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from models.block import BLOCK_IP, BLOCK_PHONE, BLOCK_PREFIX

KIND_CHOICES = ((BLOCK_PHONE, _l("Phone number")), (BLOCK_PREFIX, _l("Number prefix")),
                (BLOCK_IP, _l("IP address or network")))
KIND_LABELS = dict(KIND_CHOICES)  # a block's kind as pages and messages name it


class BlockForm(FlaskForm):
    kind = SelectField(_l("Block"), choices=KIND_CHOICES)
    value = StringField(_l("Value"), validators=[DataRequired(), Length(max=64)],
                        render_kw={"placeholder": _l("+8613800138000, +86170 or 203.0.113.0/24")})
    reason = StringField(_l("Reason"), validators=[Length(max=255)])
    submit = SubmitField(_l("Block"))


class QuickBlockForm(FlaskForm):
    """The one-click button beside a top phone, IP or prefix."""

    kind = HiddenField(validators=[DataRequired()])
    value = HiddenField(validators=[DataRequired(), Length(max=64)])
