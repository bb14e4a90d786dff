"""A Redis cache that turns a Redis outage into cache misses instead of failed pages.

Everything Herald keeps in the cache can be had again: settings from the database, a
WeChat access token from WeChat, circuit-breaker state by counting afresh. So while Redis
is unreachable every read is a miss, every write is dropped, and pages keep working from
the database. Rate limits are not cached data: they fail closed on their own (the limiter's
storage errors answer 503 ``service_unavailable``).

A delete that could not reach Redis is remembered and replayed once Redis answers again:
otherwise a settings save made during the outage would leave the old settings cached for
every worker when a Redis that kept its data comes back. After a failure Redis is left
alone for ``RETRY_AFTER`` seconds, so an outage costs one connection attempt a second per
process rather than one per cache call.

Selected by ``CACHE_TYPE = "core.resilient_cache.ResilientRedisCache"`` (``config.py``
does so whenever ``REDIS_URL`` is set).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Without these a Redis host that drops packets would hang a request for minutes.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 1.0  # seconds

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._pending_deletes: set[str] = set()
        self._pending_clear = False

    @classmethod
    def factory(cls, app, config, args, kwargs):  # Flask-Caching's backend hook
        options = {**DEFAULT_OPTIONS, **(config.get("CACHE_OPTIONS") or {})}
        return super().factory(app, {**config, "CACHE_OPTIONS": options}, args, kwargs)

    # --- the guard ------------------------------------------------------------------

    def _call(self, operation: Callable[[], Any], default: Any) -> Any:
        if time.monotonic() < self._down_until:
            return default
        try:
            self._replay()
            result = operation()
        except RedisError as exc:
            self._went_down(exc)
            return default
        if self._down_until:
            self._down_until = 0.0
            log.warning("Redis cache reachable again")
        return result

    def _went_down(self, exc: RedisError) -> None:
        if not self._down_until:
            log.error("Redis cache unreachable, serving without it: %s", exc)
        self._down_until = time.monotonic() + self.RETRY_AFTER

    def _replay(self) -> None:
        """Deletes and clears that failed during an outage, before anything else."""
        with self._lock:
            clear, keys = self._pending_clear, set(self._pending_deletes)
        # Straight to the client: cachelib's own delete_many calls back into has().
        prefix = self._get_prefix()
        if clear:
            super().clear()
        if keys:
            self._write_client.delete(*(prefix + key for key in keys))
        if clear or keys:
            with self._lock:
                self._pending_clear = self._pending_clear and not clear
                self._pending_deletes -= keys

    def _remember(self, *keys: str, clear: bool = False) -> None:
        with self._lock:
            self._pending_deletes.update(keys)
            self._pending_clear = self._pending_clear or clear

    # --- reads: a miss while Redis is down ------------------------------------------

    def get(self, key: str) -> Any:
        return self._call(lambda: super(ResilientRedisCache, self).get(key), None)

    def get_many(self, *keys: str) -> list[Any]:
        return self._call(lambda: super(ResilientRedisCache, self).get_many(*keys),
                          [None] * len(keys))

    def has(self, key: str) -> bool:
        return self._call(lambda: super(ResilientRedisCache, self).has(key), False)

    # --- writes: dropped while Redis is down ----------------------------------------

    def set(self, key: str, value: Any, timeout: Any = None) -> Any:
        return self._call(lambda: super(ResilientRedisCache, self).set(key, value, timeout),
                          False)

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        return self._call(lambda: super(ResilientRedisCache, self).add(key, value, timeout),
                          False)

    def set_many(self, mapping: dict[str, Any], timeout: Any = None) -> list[Any]:
        return self._call(lambda: super(ResilientRedisCache, self).set_many(mapping, timeout),
                          [])

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._call(lambda: super(ResilientRedisCache, self).inc(key, delta), None)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._call(lambda: super(ResilientRedisCache, self).dec(key, delta), None)

    # --- deletes: remembered while Redis is down, replayed when it is back ----------

    def delete(self, key: str) -> bool:
        done = self._call(lambda: super(ResilientRedisCache, self).delete(key), None)
        if done is None:
            self._remember(key)
        return bool(done)

    def delete_many(self, *keys: str) -> list[Any]:
        done = self._call(lambda: super(ResilientRedisCache, self).delete_many(*keys), None)
        if done is None:
            self._remember(*keys)
        return done or []

    def unlink(self, *keys: str) -> Any:
        done = self._call(lambda: super(ResilientRedisCache, self).unlink(*keys), None)
        if done is None:
            self._remember(*keys)
        return done

    def clear(self) -> bool:
        done = self._call(lambda: super(ResilientRedisCache, self).clear(), None)
        if done is None:
            self._remember(clear=True)
        return bool(done)
