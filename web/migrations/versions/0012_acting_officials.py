"""acting officials (Plt./Plh.)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:40:00

``acting_appointments``: who acts in which role (and OPD) from which day to which day, under
which surat perintah; the window also as UTC moments (``starts_at``/``ends_at``) for queries.
Rows are never deleted; ``revoked_at`` ends one early.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'acting_appointments',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('province_id', sa.Integer(), sa.ForeignKey('provinces.id'), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('role', sa.String(40), nullable=False),
        sa.Column('opd_id', sa.Integer(), sa.ForeignKey('opds.id'), nullable=True),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decree_number', sa.String(120), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
    )
    op.create_index(
        'ix_acting_appointments_user_id', 'acting_appointments', ['user_id']
    )
    op.create_index(
        'ix_acting_appointments_window', 'acting_appointments', ['province_id', 'role', 'ends_at']
    )


def downgrade():
    op.drop_index('ix_acting_appointments_window', table_name='acting_appointments')
    op.drop_index('ix_acting_appointments_user_id', table_name='acting_appointments')
    op.drop_table('acting_appointments')
