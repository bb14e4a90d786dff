"""reseller accounts, templates, requests; delivery_attempts.api_client_id

Revision ID: 72ac3b8ccc85
Revises: 9e7d867499d3
Create Date: 2026-11-23 16:14:06.792848

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '72ac3b8ccc85'
down_revision = '9e7d867499d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reseller_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('variables', sa.JSON(), nullable=False),
    sa.Column('provider_template_code', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reseller_templates')),
    sa.UniqueConstraint('number', name=op.f('uq_reseller_templates_number'))
    )
    op.create_table('reseller_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('allowed_templates', sa.JSON(), nullable=False),
    sa.Column('allowed_countries', sa.JSON(), nullable=False),
    sa.Column('rate_per_minute', sa.Integer(), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_clients.id'], name=op.f('fk_reseller_accounts_api_client_id_api_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reseller_accounts')),
    sa.UniqueConstraint('api_client_id', name=op.f('uq_reseller_accounts_api_client_id'))
    )
    op.create_table('reseller_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_clients.id'], name=op.f('fk_reseller_requests_api_client_id_api_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reseller_requests')),
    sa.UniqueConstraint('api_client_id', 'idempotency_key', name=op.f('uq_reseller_requests_api_client_id'))
    )
    with op.batch_alter_table('reseller_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reseller_requests_api_client_id'), ['api_client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reseller_requests_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_client_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_delivery_attempts_api_client_id'), ['api_client_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_delivery_attempts_api_client_id_api_clients'), 'api_clients', ['api_client_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_attempts_api_client_id_api_clients'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_delivery_attempts_api_client_id'))
        batch_op.drop_column('api_client_id')

    with op.batch_alter_table('reseller_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reseller_requests_created_at'))
        batch_op.drop_index(batch_op.f('ix_reseller_requests_api_client_id'))

    op.drop_table('reseller_requests')
    op.drop_table('reseller_accounts')
    op.drop_table('reseller_templates')
