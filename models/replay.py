"""Keys that may be used once until they expire: API nonces and solved captcha challenges.

One row per used key. The primary key (namespace, key) is what makes a claim atomic: of two
requests inserting the same key, the database lets exactly one in (``core.replay``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import UTCDateTime

# (16 + 128) characters of utf8mb4 stay under MariaDB's 767-byte index limit of old row
# formats; longer keys are hashed by ``core.replay`` before they get here.
NAMESPACE_LENGTH = 16
KEY_LENGTH = 128


class ReplayKey(db.Model):
    __tablename__ = "replay_keys"

    namespace: Mapped[str] = mapped_column(String(NAMESPACE_LENGTH), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
