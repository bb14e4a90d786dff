"""wechat bindings: members bind an official-account openid by scanning a QR code

``wechat_bindings`` keeps one binding per member (active, or unsubscribed after the
follower unfollowed); ``active_openid`` is unique so one openid binds one member.
``wechat_bind_tokens`` holds the SHA-256 of each one-time QR scene until it expires.

Revision ID: beee08f7a407
Revises: 8536418755df
Create Date: 2026-12-06 17:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'beee08f7a407'
down_revision = '8536418755df'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wechat_bindings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('active_openid', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('bound_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                            name=op.f('fk_wechat_bindings_member_id_members'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_bindings')),
    sa.UniqueConstraint('active_openid', name=op.f('uq_wechat_bindings_active_openid')),
    sa.UniqueConstraint('member_id', name=op.f('uq_wechat_bindings_member_id'))
    )
    with op.batch_alter_table('wechat_bindings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_bindings_openid'), ['openid'], unique=False)

    op.create_table('wechat_bind_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('scene_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'],
                            name=op.f('fk_wechat_bind_tokens_member_id_members'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_bind_tokens')),
    sa.UniqueConstraint('scene_hash', name=op.f('uq_wechat_bind_tokens_scene_hash'))
    )
    with op.batch_alter_table('wechat_bind_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_bind_tokens_expires_at'), ['expires_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_wechat_bind_tokens_member_id'), ['member_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('wechat_bind_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_bind_tokens_member_id'))
        batch_op.drop_index(batch_op.f('ix_wechat_bind_tokens_expires_at'))
    op.drop_table('wechat_bind_tokens')
    with op.batch_alter_table('wechat_bindings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_bindings_openid'))
    op.drop_table('wechat_bindings')
