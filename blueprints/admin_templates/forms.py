"""The template editor form: one form for every channel, showing the channel's parts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from services.notify.events import EMAIL, INSITE, SMS, WECHAT
from services.templates.validation import LIMITS, SMS_TEXT_LIMIT

# Field labels per channel: the same part means different things on each channel.
LABELS = {
    (SMS, "text"): _l("SMS content"),
    (SMS, "template_code"): _l("Provider template number"),
    (SMS, "params"): _l("Parameter mapping"),
    (EMAIL, "subject"): _l("Subject"),
    (EMAIL, "html"): _l("HTML body"),
    (EMAIL, "text"): _l("Text body"),
    (INSITE, "subject"): _l("Title"),
    (INSITE, "text"): _l("Body"),
    (WECHAT, "template_code"): _l("WeChat template id"),
    (WECHAT, "params"): _l("Field mapping"),
}
DESCRIPTIONS = {
    (SMS, "template_code"): _l("Needed by template-only providers (Alibaba TemplateCode, "
                               "Tencent TemplateId, an upstream Herald's template number)."),
    (SMS, "params"): _l("One per line: provider parameter = template text, e.g. "
                        "`code = {{ code }}`; Tencent numbers its variables: `1 = {{ code }}`, "
                        "`2 = {{ minutes }}`. Empty: every variable is passed by its own name."),
    (EMAIL, "html"): _l("Variables are HTML-escaped."),
    (WECHAT, "template_code"): _l("From the official account's template library."),
    (WECHAT, "params"): _l("One per line: template field = template text, e.g. "
                           "`keyword1 = {{ server_name }}`."),
}


class TemplateForm(FlaskForm):
    subject = StringField(validators=[Length(max=LIMITS["subject"])])
    html = TextAreaField(validators=[Length(max=LIMITS["html"])], render_kw={"rows": 8})
    text = TextAreaField(validators=[Length(max=LIMITS["text"])], render_kw={"rows": 5})
    template_code = StringField(validators=[Length(max=LIMITS["template_code"])])
    params = TextAreaField(validators=[Length(max=8000)], render_kw={"rows": 5})
    destination = StringField(_l("Send to"), validators=[Optional(), Length(max=254)])
    confirm_length = BooleanField(_l("Save anyway, billed as several messages"))
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))
    test = SubmitField(_l("Test send"))

    def label_for(self, channel: str) -> None:
        """Give each shown part the channel's own label and help text."""
        for (label_channel, part), label in LABELS.items():
            if label_channel == channel:
                self[part].label.text = label
                self[part].description = DESCRIPTIONS.get((channel, part), "")
        if channel == SMS:
            self.text.validators = [Length(max=SMS_TEXT_LIMIT)]

    def validate_params(self, field):
        try:
            parse_mapping(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def parts(self) -> dict[str, Any]:
        return {"subject": self.subject.data or "", "html": self.html.data or "",
                "text": self.text.data or "", "template_code": self.template_code.data or "",
                "params": parse_mapping(self.params.data or "")}


def parse_mapping(raw: str) -> dict[str, str]:
    """``name = template`` lines into a dict; blank lines are ignored."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise ValueError(str(_l("Line %(n)d: write name = template text.", n=number)))
        if name.strip() in mapping:  # a second value would silently replace the first
            raise ValueError(str(_l("Line %(n)d: %(name)s is already mapped above.",
                                    n=number, name=name.strip())))
        mapping[name.strip()] = value.strip()
    return mapping


def format_mapping(mapping: dict[str, str]) -> str:
    return "\n".join(f"{name} = {value}" for name, value in (mapping or {}).items())
