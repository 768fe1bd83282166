"""notifications in the reader's language, and inbox items that end

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 12:40:00

``users.language`` keeps the language a user chose on the pages, so notifications and e-mails
written while they are away are in it too. ``notifications.stage`` is the stage an item asks its
reader to act at and ``done_at`` when that happened (the activity moved on, or the reader's
party decided at its gate); the index serves the update that closes them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(8), nullable=True))
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('stage', sa.String(40), nullable=True))
        batch.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_notifications_open', 'notifications', ['activity_id', 'stage'])


def downgrade() -> None:
    op.drop_index('ix_notifications_open', table_name='notifications')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('done_at')
        batch.drop_column('stage')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
