"""discarded drafts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:00:00

*Hapus draf* (core.services.drafts): a draft never submitted is marked ``discarded_at`` and
``discarded_by_id`` rather than deleted, so its append-only audit chain stays whole. Existing
rows are untouched (NULL: not discarded).
"""
from alembic import op
import sqlalchemy as sa



revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities') as batch:
        batch.add_column(sa.Column('discarded_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('discarded_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_activities_discarded_by_id_users', 'users', ['discarded_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('activities') as batch:
        batch.drop_constraint('fk_activities_discarded_by_id_users', type_='foreignkey')
        batch.drop_column('discarded_by_id')
        batch.drop_column('discarded_at')
