"""the activity list's index: a province's newest first

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 22:10:00

Issue 17: among a million activities of 38 provinces, a province's newest page walked the
primary key backwards past every other province's rows (24,000 of them for Lampung's first
page). ``ix_activities_province_id`` (province, id) serves the list's pages and every filter
without an index of its own; it replaces ``ix_activities_pillar`` (province, pillar), whose
reads it serves as well, so a move still writes as many index entries.
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_province_id', ['province_id', 'id'], unique=False)
        batch_op.drop_index('ix_activities_pillar')


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_pillar', ['province_id', 'pillar'], unique=False)
        batch_op.drop_index('ix_activities_province_id')
