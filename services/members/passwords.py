"""The member password policy: length bounds from Member settings, common passwords refused."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _

from core import settings

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


def bounds() -> tuple[int, int]:
    return settings.get("member.password_min"), settings.get("member.password_max")


def hint() -> str:
    """Seed 001's placeholder: "请输入8-20位密码"."""
    low, high = bounds()
    return _("Enter a %(min)s-%(max)s character password", min=low, max=high)


def problem(password: str) -> str | None:
    """Why ``password`` is refused, in the user's language, or None when it is fine."""
    low, high = bounds()
    if not low <= len(password) <= high:
        return hint()
    if password.lower() in common_passwords() or len(set(password)) < 3:
        return _("This password is too common; choose another.")
    return None


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()
                     and not line.startswith("#"))
