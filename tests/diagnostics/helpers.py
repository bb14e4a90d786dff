"""Small helpers shared by the diagnostics tests."""

from __future__ import annotations

from core.settings.store import _write, invalidate
from extensions import db
from gateways.base import Message
from models import MessageTemplate
from services.delivery import messaging
from services.templates import rendering

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}

# The templates family's grouping, shown on one event: its heading and its two failing rows.
EVENT = "baremetal_autorenew_failed"  # SMS, email and in-site on by default (seed 001)
TITLES = {"en": "Bare-metal auto-renewal failed", "zh_CN": "裸金属服务器自动续费失败通知"}
ROWS = {"en": ("SMS template", "Email template"), "zh_CN": ("短信模板", "邮件模板")}


def send_sms(to: str, purpose: str = "server_opened", template_code: str = "SMS_1",
             content: str = "您的服务器已开通"):
    return messaging.send("sms", Message(to=to, content=content, template_code=template_code,
                                         params={"server_name": "hk-web-01"}, purpose=purpose))


def store_unchecked(values: dict) -> None:
    """Write settings as an older release or a hand-edited database could have left them,
    past the tab's own checks (which refuse an active gateway without credentials)."""
    for name, value in values.items():
        _write(name, value)
    db.session.commit()
    invalidate()


def page(client, url: str, headers=EN) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def empty_email_template(event: str) -> None:
    """An email template without a body, as a hand-edited database could hold it (the
    editor refuses to save one)."""
    for locale in ("zh_CN", "en"):
        db.session.add(MessageTemplate(purpose=event, channel="email", locale=locale,
                                       subject="x", text="", html=""))
    db.session.commit()
    rendering.forget_stored()


def sms_template(event: str, code: str, params: dict | None = None) -> None:
    """The event's SMS template in every language, sending by provider template ``code``."""
    for locale in ("zh_CN", "en"):
        db.session.add(MessageTemplate(purpose=event, channel="sms", locale=locale,
                                       text="{{ code }}", template_code=code,
                                       params=params or {}))
    db.session.commit()
    rendering.forget_stored()


def family_of(html: str, name: str) -> str:
    """One family's section of the Diagnostics page."""
    return html.split(f'id="family-{name}"', 1)[1].split("</section>", 1)[0]


def family_order(html: str) -> list[str]:
    import re

    return re.findall(r'class="card mb-3 check-family" id="family-([a-z]+)"', html)
