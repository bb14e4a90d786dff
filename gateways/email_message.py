"""Compose the email itself: multipart/alternative, UTF-8 headers, a Message-ID.

Kept apart from the SMTP transport so any email gateway sends the same message.
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from html import unescape

from gateways.base import Message

# 7bit: non-ASCII bodies go out base64 / quoted-printable, so servers without 8BITMIME
# still receive them intact; non-ASCII headers are RFC 2047 encoded either way.
POLICY = default_policy.clone(cte_type="7bit")


def build_email(message: Message, sender: Address, to: str) -> EmailMessage:
    """A multipart/alternative message (text, plus HTML when given) with UTF-8 headers."""
    email = EmailMessage(policy=POLICY)
    # A line break in a header would let a template inject headers; fold it to a space.
    email["Subject"] = re.sub(r"[\r\n]+", " ", message.subject)
    email["From"] = sender
    email["To"] = to
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=sender.domain)
    email.set_content(message.content or html_to_text(message.html))
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return email


def html_to_text(html: str) -> str:
    """A readable text part for an HTML-only message: tags dropped, entities decoded."""
    text = re.sub(r"(?is)<(script|style).*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</h\d>", "\n", text)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()
