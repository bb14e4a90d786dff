"""How long an SMS is as the phone receives it, and how many messages it is billed as.

A text made only of GSM 03.38 characters travels as GSM-7: 160 septets in one message, 153
per part once it is split (the rest of each part carries the joining header). A character
of the extension table (``€ [ ] { } ^ ~ | \\`` and form feed) is sent as an escape plus
the character, so it counts twice. Any other character (every Chinese one, 【】 included)
switches the whole text to UCS-2: 70 UTF-16 code units in one message, 67 per part; an
emoji outside the basic plane is two units. A part never ends in the middle of an escaped
character or a surrogate pair, so a split may hold one unit less than the limit.

``static/js/sms-length.js`` applies the same rules in the editor while the admin types;
keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7, UCS2 = "GSM-7", "UCS-2"
# (units in a single message, units per part of a split message)
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsLength:
    text: str  # what the phone shows, signature included
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2): what the provider counts
    segments: int  # messages billed; 0 for an empty text

    @property
    def single_limit(self) -> int:
        return LIMITS[self.encoding][0]

    @property
    def part_limit(self) -> int:
        return LIMITS[self.encoding][1]


def phone_text(text: str, sign: str = "") -> str:
    """The text with 【sign】 in front, as a signing provider delivers it (once only)."""
    head = f"【{sign}】" if sign else ""
    return text if not head or text.startswith(head) else head + text


def encoding_of(text: str) -> str:
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return GSM7 if all(ch in allowed for ch in text) else UCS2


def unit_sizes(text: str, encoding: str) -> list[int]:
    """How many units each character takes in ``encoding``."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segment_count(sizes: list[int], single: int, part: int) -> int:
    """Messages needed: one if everything fits, else parts filled without splitting a char."""
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def measure(text: str, sign: str = "") -> SmsLength:
    """The length of ``text`` as received, with the signature the gateway adds."""
    shown = phone_text(text, sign)
    encoding = encoding_of(shown)
    sizes = unit_sizes(shown, encoding)
    single, part = LIMITS[encoding]
    return SmsLength(shown, encoding, sum(sizes), segment_count(sizes, single, part))
