"""OPDs administered: SIPD unit code, active flag, who changed the row last

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:30:00

The province admin now creates, renames and deactivates OPDs (``core.services.opds``). An OPD
gets its SIPD unit code (unique within the province, NULL while unknown), ``active`` (every
existing OPD stays active) and ``updated_at``/``updated_by_id``: a row an admin has changed is
the admin's, and re-seeding from the plugin's reference data leaves it alone.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # No batch mode: rebuilding ``opds`` on SQLite (DROP TABLE) fails as soon as activities,
    # roles or pagu refer to it with foreign keys on. Plain ADD COLUMN and a unique index do.
    op.add_column('opds', sa.Column('sipd_code', sa.String(40), nullable=True))
    op.add_column(
        'opds', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column('opds', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE opds ADD COLUMN updated_by_id INTEGER '
            'CONSTRAINT fk_opds_updated_by_id_users REFERENCES users (id)'
        )
    else:
        op.add_column('opds', sa.Column('updated_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            'fk_opds_updated_by_id_users', 'opds', 'users', ['updated_by_id'], ['id']
        )
    op.create_index(
        'uq_opds_province_sipd_code', 'opds', ['province_id', 'sipd_code'], unique=True
    )


def downgrade():
    op.drop_index('uq_opds_province_sipd_code', table_name='opds')
    with op.batch_alter_table('opds') as batch:
        batch.drop_constraint('fk_opds_updated_by_id_users', type_='foreignkey')
        batch.drop_column('updated_by_id')
        batch.drop_column('updated_at')
        batch.drop_column('active')
        batch.drop_column('sipd_code')
