"""delivery queue: outgoing messages, jobs, worker heartbeats

Every send now leaves the request as an ``outgoing`` row in state ``queued``; a Huey task
carries only its id. Broadcasts and API events are ``jobs``; running workers write
``worker_beats`` so Diagnostics and the admin banner can say when none is running.

Revision ID: 8536418755df
Revises: c46dc352f04c
Create Date: 2026-12-06 14:44:32.951893

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8536418755df'
down_revision = 'c46dc352f04c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_beats',
    sa.Column('id', sa.String(length=96), nullable=False),
    sa.Column('host', sa.String(length=64), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('threads', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_beats'))
    )
    with op.batch_alter_table('worker_beats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_beats_seen_at'), ['seen_at'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('audience_data', sa.Text(), nullable=False),
    sa.Column('variables', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('api_client_id', sa.Integer(), nullable=True),
    sa.Column('admin_id', sa.Integer(), nullable=True),
    sa.Column('claimed_by', sa.String(length=96), nullable=False),
    sa.Column('cursor', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['admin_id'], ['admins.id'], name=op.f('fk_jobs_admin_id_admins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_clients.id'], name=op.f('fk_jobs_api_client_id_api_clients'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_jobs_status_due', ['status', 'due_at'], unique=False)

    op.create_table('outgoing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('destination', sa.String(length=254), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=96), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=40), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.String(length=32), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('api_client_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_clients.id'], name=op.f('fk_outgoing_api_client_id_api_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['attempt_id'], ['delivery_attempts.id'], name=op.f('fk_outgoing_attempt_id_delivery_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['code_id'], ['verification_codes.id'], name=op.f('fk_outgoing_code_id_verification_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_outgoing_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outgoing_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing'))
    )
    with op.batch_alter_table('outgoing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_code_id'), ['code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_job_id'), ['job_id'], unique=False)
        batch_op.create_index('ix_outgoing_status_due', ['status', 'due_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outgoing', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_status_due')
        batch_op.drop_index(batch_op.f('ix_outgoing_job_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_code_id'))

    op.drop_table('outgoing')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_due')
        batch_op.drop_index(batch_op.f('ix_jobs_created_at'))

    op.drop_table('jobs')
    with op.batch_alter_table('worker_beats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_beats_seen_at'))

    op.drop_table('worker_beats')
