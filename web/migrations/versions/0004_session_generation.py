"""users.session_generation: ending a user's page sessions server-side

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00

Logout and a new password raise the number; a session cookie opened with an older one is
refused by the pages' user loader, so a copied cookie stops working at logout.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(
            sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_generation')
