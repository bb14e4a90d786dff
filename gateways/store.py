"""The small key-value store that gateways share state through (WeChat tokens, breakers).

The app passes Flask-Caching's ``cache`` (Redis or a file cache), so every worker sees the
same values; :class:`MemoryStore` is the process-local stand-in for scripts and tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol


class Store(Protocol):
    """The three calls Herald needs; Flask-Caching's ``Cache`` already has them."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def delete(self, key: str) -> Any: ...


class MemoryStore:
    """A thread-safe dict with expiry. ``timeout`` 0 or None keeps a value until deleted."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._values: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            value, expires = self._values.get(key, (None, None))
            if expires is not None and self._clock() >= expires:
                del self._values[key]
                return None
            return value

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        expires = self._clock() + timeout if timeout else None
        with self._lock:
            self._values[key] = (value, expires)
        return True

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._values.pop(key, None) is not None
