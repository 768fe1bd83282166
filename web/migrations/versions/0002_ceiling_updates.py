"""who set an OPD's pagu last, and when

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # batch mode: SQLite cannot add a foreign key to an existing table in place
    with op.batch_alter_table('ceilings') as batch:
        batch.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_ceilings_updated_by_id_users'), 'users', ['updated_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('ceilings') as batch:
        batch.drop_constraint(op.f('fk_ceilings_updated_by_id_users'), type_='foreignkey')
        batch.drop_column('updated_by_id')
        batch.drop_column('updated_at')
