"""gate decisions (parallel and quorum concurrence) and clarification threads

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00

One row per party's decision at a gate, unique per (activity, gate state, revision round,
party): the key that makes a party decide once even when two of its requests race. And one
row per clarification question on an activity, with its answer.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'gate_decisions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('activity_id', sa.Integer(), sa.ForeignKey('activities.id'), nullable=False),
        sa.Column('stage', sa.String(40), nullable=False),
        sa.Column('revision_round', sa.Integer(), nullable=False),
        sa.Column('party', sa.String(80), nullable=False),
        sa.Column('decision', sa.String(20), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('role', sa.String(40), nullable=False),
        sa.Column('opd_code', sa.String(40), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            'activity_id', 'stage', 'revision_round', 'party', name='uq_gate_decisions'
        ),
    )
    op.create_index('ix_gate_decisions_activity_id', 'gate_decisions', ['activity_id'])
    op.create_table(
        'clarifications',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('activity_id', sa.Integer(), sa.ForeignKey('activities.id'), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('asked_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_clarifications_activity_id', 'clarifications', ['activity_id'])


def downgrade() -> None:
    op.drop_index('ix_clarifications_activity_id', table_name='clarifications')
    op.drop_table('clarifications')
    op.drop_index('ix_gate_decisions_activity_id', table_name='gate_decisions')
    op.drop_table('gate_decisions')
