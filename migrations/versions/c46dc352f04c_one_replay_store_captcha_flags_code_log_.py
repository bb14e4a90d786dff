"""one replay store, captcha flags, code log total

API nonces (``api_nonces``) and solved captcha challenges (``altcha:*`` rows of
``code_send_counters``) move to one replay store, ``replay_keys``; the captcha flags
(``captcha:*`` rows) to ``captcha_flags``; the code log's total (the ``log:total`` row) to
``code_log_total``. ``code_send_counters`` keeps its counters only. Rows are moved, not
dropped, so a nonce or a challenge used just before the upgrade stays refused and a raised
captcha flag stays raised.

Revision ID: c46dc352f04c
Revises: 0f6552bcf5be
Create Date: 2026-12-06 13:42:15.047048

"""
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "c46dc352f04c"
down_revision = "0f6552bcf5be"
branch_labels = None
depends_on = None

NONCE_WINDOW = timedelta(minutes=30)  # core.api_auth.NONCE_WINDOW when this was written
NONCES, CAPTCHA, TOTAL_KEY = "api_nonce", "captcha", "log:total"

counters = sa.table("code_send_counters", sa.column("key", sa.String),
                    sa.column("count", sa.Integer), sa.column("resets_at", sa.DateTime))
nonces = sa.table("api_nonces", sa.column("client_id", sa.Integer),
                  sa.column("nonce", sa.String), sa.column("created_at", sa.DateTime))
replay_keys = sa.table("replay_keys", sa.column("namespace", sa.String),
                       sa.column("key", sa.String), sa.column("expires_at", sa.DateTime))
flags = sa.table("captcha_flags", sa.column("scope", sa.String),
                 sa.column("expires_at", sa.DateTime))
total = sa.table("code_log_total", sa.column("id", sa.Integer), sa.column("count", sa.Integer))
# The counter rows that were not counters (their keys were written by services.codes).
NOT_COUNTERS = sa.or_(counters.c.key == TOTAL_KEY, counters.c.key.startswith("captcha:"),
                      counters.c.key.startswith("altcha:"))


def upgrade():
    op.create_table(
        "captcha_flags",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_captcha_flags")),
    )
    with op.batch_alter_table("captcha_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_captcha_flags_expires_at"), ["expires_at"])
    op.create_table(
        "code_log_total",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_log_total")),
    )
    op.create_table(
        "replay_keys",
        sa.Column("namespace", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "key", name=op.f("pk_replay_keys")),
    )
    with op.batch_alter_table("replay_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replay_keys_expires_at"), ["expires_at"])
    _move_up(op.get_bind())
    with op.batch_alter_table("api_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_nonces_created_at"))
    op.drop_table("api_nonces")


def _move_up(bind):
    keys, scopes, totals = [], [], []
    for key, count, resets_at in bind.execute(sa.select(counters).where(NOT_COUNTERS)):
        if key == TOTAL_KEY:
            totals.append({"id": 1, "count": count})
        elif key.startswith("altcha:"):
            keys.append({"namespace": CAPTCHA, "key": key.removeprefix("altcha:"),
                         "expires_at": resets_at})
        elif key == "captcha:all":
            scopes.append({"scope": "all", "expires_at": resets_at})
        elif key.startswith("captcha:ip:"):
            scopes.append({"scope": key.removeprefix("captcha:"), "expires_at": resets_at})
    for client_id, nonce, created_at in bind.execute(sa.select(nonces)):
        keys.append({"namespace": NONCES, "key": f"{client_id}:{nonce}",
                     "expires_at": created_at + NONCE_WINDOW})
    for table, rows in ((replay_keys, keys), (flags, scopes), (total, totals)):
        if rows:
            bind.execute(table.insert(), rows)
    bind.execute(counters.delete().where(NOT_COUNTERS))


def downgrade():
    op.create_table(
        "api_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["api_clients.id"],
                                name=op.f("fk_api_nonces_client_id_api_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_nonces")),
        sa.UniqueConstraint("client_id", "nonce", name=op.f("uq_api_nonces_client_id")),
    )
    with op.batch_alter_table("api_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_nonces_created_at"), ["created_at"])
    _move_down(op.get_bind())
    with op.batch_alter_table("replay_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replay_keys_expires_at"))
    op.drop_table("replay_keys")
    op.drop_table("code_log_total")
    with op.batch_alter_table("captcha_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captcha_flags_expires_at"))
    op.drop_table("captcha_flags")


def _move_down(bind):
    clients = set(bind.execute(sa.text("SELECT id FROM api_clients")).scalars())
    rows, used = [], []
    for namespace, key, expires_at in bind.execute(sa.select(replay_keys)):
        if namespace == CAPTCHA:
            rows.append({"key": f"altcha:{key}", "count": 1, "resets_at": expires_at})
        elif namespace == NONCES:
            client_id, _, nonce = key.partition(":")
            if client_id.isdigit() and int(client_id) in clients:
                used.append({"client_id": int(client_id), "nonce": nonce,
                             "created_at": expires_at - NONCE_WINDOW})
    for scope, expires_at in bind.execute(sa.select(flags)):
        rows.append({"key": f"captcha:{scope}", "count": 1, "resets_at": expires_at})
    for _, count in bind.execute(sa.select(total)):
        rows.append({"key": TOTAL_KEY, "count": count, "resets_at": datetime(9999, 1, 1)})
    for table, values in ((counters, rows), (nonces, used)):
        if values:
            bind.execute(table.insert(), values)
