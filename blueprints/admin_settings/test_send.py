"""Test send on the SMS, Email and WeChat tabs: one real message through one gateway."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core import catalog, settings
from core.phones import parse_phone
from core.settings.types import SettingError
from gateways.base import Message, SendResult
from services.delivery import messaging
from services.members import lookup as member_lookup

TEST_CHANNELS = ("sms", "email", "wechat")


class TestSendForm(FlaskForm):
    destination = StringField(_l("Send to"), validators=[DataRequired(), Length(max=254)])
    template_code = StringField(_l("Provider template number"), validators=[
        Optional(), Length(max=64)],
        description=_l("Needed by template-only providers (Alibaba, Tencent, WeChat, upstream)."))
    params = TextAreaField(_l("Template parameters (JSON)"), validators=[
        Optional(), Length(max=2000)], render_kw={"rows": 2},
        description=_l('For example {"code": "123456"}.'))
    send = SubmitField(_l("Test send"))

    def validate_params(self, field):
        if field.data:
            try:
                value = json.loads(field.data)
            except ValueError:
                raise ValidationError(_l("Enter a JSON object.")) from None
            if not isinstance(value, dict):
                raise ValidationError(_l("Enter a JSON object."))


def destination_for(channel: str, raw: str) -> str:
    """Normalise the destination typed for a Test send (here and in the template editor);
    raises ValueError with a user message. In-site messages go to a member's id."""
    raw = raw.strip()
    if channel == "sms":
        try:
            return parse_phone(raw, check_allowed=False)
        except ValueError:
            raise ValueError(_("Enter a valid phone number.")) from None
    if channel == "email":
        try:
            return settings.lookup("email.smtp.from_address").convert(raw) or raw
        except SettingError as exc:
            raise ValueError(str(exc.args[0])) from None
    if channel == "insite":
        member = member_lookup.find(raw)
        if member is None:
            raise ValueError(catalog.message("member_not_found"))
        return str(member.id)
    return raw


def run(channel: str, form: TestSendForm) -> SendResult:
    site = settings.get("basic.site_name")
    text = _("This is a test message from %(site)s.", site=site)
    message = Message(
        to=destination_for(channel, form.destination.data),
        content=text, subject=_("%(site)s test message", site=site), html=f"<p>{text}</p>",
        template_code=(form.template_code.data or "").strip(),
        params=json.loads(form.params.data) if form.params.data else {"code": "123456"},
        purpose="test_send",
    )
    return messaging.send_through(channel, settings.get(f"{channel}.gateway"), message)
