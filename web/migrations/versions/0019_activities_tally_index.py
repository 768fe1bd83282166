"""the dashboard's tally from an index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 02:00:00

Issue 17: the dashboard counts a province's activities per state and pillar and adds up their
budget totals; over a national-scale province (32,000 activities) reading every row took
30 ms of the page's 200. On PostgreSQL ``ix_activities_province_state`` (province, state, id)
now carries the pillar, both totals and ``discarded_at`` (INCLUDE), so the tally is an
index-only scan. The key is unchanged: every read that used the index still does, and a move
writes no more index entries than before.
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COLUMNS = ['province_id', 'state', 'id']
INCLUDE = ['pillar', 'proposed_total', 'confirmed_total', 'discarded_at']


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_province_state')
        batch_op.create_index(
            'ix_activities_province_state', COLUMNS, unique=False, postgresql_include=INCLUDE
        )


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_province_state')
        batch_op.create_index('ix_activities_province_state', COLUMNS, unique=False)
