"""the planning calendar: submission, verification and sign-off windows per plan year

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:40:00

One row per (province, plan year, kind of window), the start and end as calendar days in the
province's zone. A year without rows stays open (core.services.planning_calendar), so existing
data needs nothing.
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'planning_windows',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('province_id', sa.Integer(), sa.ForeignKey('provinces.id'), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('original_ends_on', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.UniqueConstraint('province_id', 'year', 'kind', name='uq_planning_windows'),
    )


def downgrade() -> None:
    op.drop_table('planning_windows')
