"""login log, admin login codes, operation-protection window

Revision ID: a1c3e5f7b9d0
Revises: 9e7d867499d3
Create Date: 2026-11-23 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f7b9d0"
down_revision = "9e7d867499d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=8), nullable=False),
        sa.Column("username", sa.String(length=254), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_events")),
    )
    with op.batch_alter_table("login_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_events_created_at"), ["created_at"])
        batch_op.create_index("ix_login_events_who_username_created",
                              ["who", "username", "created_at"])
        batch_op.create_index("ix_login_events_who_ip_created", ["who", "ip", "created_at"])
    op.create_table(
        "pending_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("endpoint", sa.String(length=128), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("view_args", sa.String(length=1000), nullable=False),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_actions")),
        sa.UniqueConstraint("key", name=op.f("uq_pending_actions_key")),
    )
    with op.batch_alter_table("pending_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_actions_admin_id"), ["admin_id"])
        batch_op.create_index(batch_op.f("ix_pending_actions_created_at"), ["created_at"])
    with op.batch_alter_table("admins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_code", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("protected_until", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_column("protected_until")
    with op.batch_alter_table("admins", schema=None) as batch_op:
        batch_op.drop_column("login_code")
    op.drop_table("pending_actions")
    with op.batch_alter_table("login_events", schema=None) as batch_op:
        batch_op.drop_index("ix_login_events_who_ip_created")
        batch_op.drop_index("ix_login_events_who_username_created")
        batch_op.drop_index(batch_op.f("ix_login_events_created_at"))
    op.drop_table("login_events")
