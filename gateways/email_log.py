"""The ``log`` email gateway: delivers nowhere and succeeds.

It is the default so a fresh install works without an SMTP server; the notification log
(written by the caller for every attempt) is where the message can be read.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from gateways.base import Gateway, Message, SendResult, register


@register
class EmailLogGateway(Gateway):
    name = "log"
    channel = "email"
    label = _l("Log only (no email is sent)")

    def _send(self, message: Message) -> SendResult:
        return SendResult.sent(self.name, message_id=f"log-{uuid.uuid4().hex}",
                               raw_message="logged only, not sent to a mailbox")
