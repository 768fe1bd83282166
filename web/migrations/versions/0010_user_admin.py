"""one-time password-reset links

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:00:00

``password_resets`` holds the links the province admin (or the user, from the login page) asks
for: the SHA-256 of the token only, its expiry and when it was used. The accounts themselves are
unchanged: deactivation is ``users.active``, ending sessions ``users.session_generation``.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'password_resets',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('token_hash', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.UniqueConstraint('token_hash', name='uq_password_resets_token_hash'),
    )
    op.create_index('ix_password_resets_user_id', 'password_resets', ['user_id'])


def downgrade():
    op.drop_table('password_resets')
