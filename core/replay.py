"""One store for keys that may be used once: API nonces and solved captcha challenges.

``claim(namespace, key, expires_at)`` is True for the first use of a key and False for every
later one until the key expires; a key whose time is up may be claimed again. The primary key
(namespace, key) decides between concurrent claims, in the caller's transaction:

* SQLite and PostgreSQL: one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING``.
  PostgreSQL makes a second insert of the key wait for the first transaction and then
  re-checks the condition against the committed row; SQLite has one writer at a time. A row
  comes back only for the claim that won. (Not a SAVEPOINT: under pysqlite's transaction
  handling a SAVEPOINT that opens the transaction commits it on RELEASE, so a caller's
  rollback would not undo the claim.)
* MariaDB: its upsert cannot say whether it inserted, so the key is inserted inside a
  SAVEPOINT; a duplicate-key error undoes only the savepoint, and a conditional UPDATE then
  takes the row over if it has expired, under the row lock.

The claim holds once the caller commits; a caller that rolls back gives the key back.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core import clock
from extensions import db
from models.replay import KEY_LENGTH, NAMESPACE_LENGTH, ReplayKey

PRUNE_EVERY = timedelta(minutes=5)
_next_prune: datetime | None = None  # this process's next prune


def claim(namespace: str, key: str, expires_at: datetime) -> bool:
    """True the first time ``key`` is claimed in ``namespace`` before it expires."""
    if not 0 < len(namespace) <= NAMESPACE_LENGTH:
        raise ValueError(f"namespace must be 1-{NAMESPACE_LENGTH} characters")
    values = {"namespace": namespace, "key": _stored(key), "expires_at": expires_at}
    dialect = db.session.get_bind().dialect.name
    if dialect == "mysql":
        return _claim_mariadb(values)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert = insert(ReplayKey).values(values)
    statement = upsert.on_conflict_do_update(
        index_elements=[ReplayKey.namespace, ReplayKey.key],
        set_={"expires_at": upsert.excluded.expires_at},
        where=ReplayKey.expires_at <= clock.now(),
    ).returning(ReplayKey.namespace)
    return db.session.execute(statement).first() is not None


def _claim_mariadb(values: dict) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(db.insert(ReplayKey).values(values))
        return True
    except IntegrityError:
        pass  # the key is taken; it may still be ours if its time is up
    # The failed insert left a shared lock on the row, so two claims of one *expired* key at
    # the same moment could deadlock here (MariaDB fails one of them). Only a key reused after
    # its window comes this way (a client reusing its own nonce after 30 minutes, twice at
    # once; a challenge past its expiry is refused before the claim), and expired rows are
    # pruned every few minutes.
    taken = db.session.execute(
        db.update(ReplayKey)
        .where(ReplayKey.namespace == values["namespace"], ReplayKey.key == values["key"],
               ReplayKey.expires_at <= clock.now())
        .values(expires_at=values["expires_at"]))
    return taken.rowcount == 1


def prune_due() -> None:
    """Prune at most once every PRUNE_EVERY in this process. An expired row does no harm (a
    claim takes it over), so a DELETE and a commit after every claim would only add a
    statement and a commit to every signed API call and captcha."""
    global _next_prune
    now = clock.now()
    if _next_prune is None or now >= _next_prune:
        _next_prune = now + PRUNE_EVERY
        prune()


def prune() -> int:
    """Delete expired keys; commits.

    Callers run it after their own commit, in a transaction of its own: a range DELETE
    beside an INSERT in one transaction can deadlock on MariaDB's gap locks.
    """
    deleted = db.session.execute(db.delete(ReplayKey).where(
        ReplayKey.expires_at <= clock.now())).rowcount
    db.session.commit()
    return deleted or 0


def _stored(key: str) -> str:
    # Keys come from strangers (a nonce, a challenge signature): a long one is kept as its
    # hash, which is unique enough and fits the indexed column.
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
