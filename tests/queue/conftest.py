"""Fixtures for the queue's integration tests: a queue, its worker processes, a provider.

Each test gets its own queue in its own folder and kills every worker it started, even
when it fails; the database is the session's (SQLite, or HERALD_TEST_DATABASE_URL), and
the ``app`` fixture empties it after the workers are gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from core import settings
from extensions import cache, db
from extensions import queue as queues
from tests.conftest import TEST_REDIS_URL
from tests.diagnostics.conftest import closed_port  # noqa: F401  (a fixture)
from tests.fakes.httpserver import FakeServer
from tests.queue.provider import Provider, smsbao_settings
from tests.queue.rig import Rig


@pytest.fixture
def make_rig(app, base_config, tmp_path) -> Iterator[Callable[..., Rig]]:
    """``make_rig(**queue_config)``: a queue (SQLite file by default) and an app on it,
    whose context the test then runs in."""
    from app import create_app

    made: list[tuple[Rig, object]] = []

    def make(redis_url: str = TEST_REDIS_URL, **queue) -> Rig:
        queue = {"HERALD_QUEUE": "sqlite", "HERALD_QUEUE_FILE": str(tmp_path / "queue.db"),
                 **queue}
        rig = Rig(base_config, tmp_path, redis_url, queue)
        rig.app = create_app(rig.config)
        context = rig.app.app_context()
        context.push()
        cache.clear()  # a breaker or settings a worker of an earlier test left
        made.append((rig, context))
        return rig

    yield make
    for rig, context in reversed(made):
        try:
            rig.stop_all()
            if rig.queue["HERALD_QUEUE"] == "redis":
                queues.huey().flush()
            cache.clear()
        finally:
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
            context.pop()


@pytest.fixture
def rig(make_rig) -> Rig:
    return make_rig()


@pytest.fixture
def provider(rig) -> Iterator[Provider]:
    """SMSBao's fake on localhost, the active SMS gateway."""
    handler = Provider()
    with FakeServer(handler) as server:
        settings.update(smsbao_settings(server.url))
        yield handler
        handler.release()
