"""OPDs administered: SIPD unit code, active flag, who changed the row last

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 12:30:00

The province admin now creates, renames and deactivates OPDs (``core.services.opds``). An OPD
gets its SIPD unit code (unique within the province, NULL while unknown), ``active`` (every
existing OPD stays active) and ``updated_at``/``updated_by_id``: a row an admin has changed is
the admin's, and re-seeding from the plugin's reference data leaves it alone.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # batch mode: SQLite cannot add a foreign key or a unique constraint in place
    with op.batch_alter_table('opds') as batch:
        batch.add_column(sa.Column('sipd_code', sa.String(40), nullable=True))
        batch.add_column(
            sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_opds_updated_by_id_users'), 'users', ['updated_by_id'], ['id']
        )
        batch.create_unique_constraint(
            'uq_opds_province_sipd_code', ['province_id', 'sipd_code']
        )


def downgrade():
    with op.batch_alter_table('opds') as batch:
        batch.drop_constraint('uq_opds_province_sipd_code', type_='unique')
        batch.drop_constraint(op.f('fk_opds_updated_by_id_users'), type_='foreignkey')
        batch.drop_column('updated_by_id')
        batch.drop_column('updated_at')
        batch.drop_column('active')
        batch.drop_column('sipd_code')
