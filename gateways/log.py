"""The ``log`` SMS gateway: the default sink. It sends nothing and always succeeds.

The caller records the message in the admin Outbox as "not sent to a phone", so a fresh
install works end to end without any provider account.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from gateways.base import Gateway, Message, SendResult, register

NOT_SENT = "logged only; not sent to a phone"


@register
class LogGateway(Gateway):
    name = "log"
    channel = "sms"
    label = _l("Log only (no SMS is sent)")
    fields = ()

    def _send(self, message: Message) -> SendResult:
        return SendResult.sent(self.name, message_id=f"log-{uuid.uuid4().hex}",
                               raw_code="logged", raw_message=NOT_SENT)
