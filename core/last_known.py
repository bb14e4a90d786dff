"""The last known reading of something a provider told us, per gateway, in the shared cache.

Diagnostics' provider records and the hourly balance check both keep "what the provider said
last time" so that pages can show it without asking again. It lives in the cache, not the
database: losing it costs one more question to the provider.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from extensions import cache

T = TypeVar("T")
KEEP_FOR = 30 * 24 * 3600  # the last known state outlives a quiet month


class LastKnown(Generic[T]):
    def __init__(self, name: str, kind: type[T]) -> None:
        self.name, self.kind = name, kind

    def remember(self, gateway: str, value: T) -> None:
        cache.set(self._key(gateway), value, timeout=KEEP_FOR)

    def last(self, gateway: str) -> T | None:
        found = cache.get(self._key(gateway))
        return found if isinstance(found, self.kind) else None  # ignore a stale shape

    def _key(self, gateway: str) -> str:
        return f"herald:{self.name}:{gateway}"
