"""an activity's budget totals

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 21:40:00

Issue 17: the dashboard's totals per pillar joined every activity year of the province (a
hash join over all of them at national scale: 0.3 s of the page). Each activity now carries
the sums of its years' proposed and confirmed budgets (``proposed_total``, ``confirmed_total``:
NULL while nothing is confirmed), kept by the writes of the years; existing rows are filled
from their years.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('proposed_total', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('confirmed_total', sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE activities SET "
        "proposed_total = COALESCE((SELECT sum(y.proposed_budget) FROM activity_years y "
        "WHERE y.activity_id = activities.id), 0), "
        "confirmed_total = (SELECT sum(y.confirmed_budget) FROM activity_years y "
        "WHERE y.activity_id = activities.id)"
    )


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('confirmed_total')
        batch_op.drop_column('proposed_total')
