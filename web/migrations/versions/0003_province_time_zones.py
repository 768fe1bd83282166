"""province time zones; moments as timestamptz

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:30:00

Every province row gets its zone (``sepakat init-db`` writes each plugin's ``timezone`` after
upgrading; until then it is WIB, which every province so far was shown in). On PostgreSQL the
moments become ``timestamp with time zone``: the naive values stored so far are UTC, so they are
read ``AT TIME ZONE 'UTC'`` instead of in whatever ``TimeZone`` the session has. SQLite has no
zone-aware type; its DATETIME text stays UTC and needs no change.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, column, nullable): every DateTime column of core.models.
MOMENTS = (
    ('users', 'created_at', False),
    ('workflow_definitions', 'created_at', False),
    ('activities', 'created_at', False),
    ('activities', 'updated_at', False),
    ('activities', 'state_changed_at', False),
    ('ceilings', 'updated_at', True),
    ('audit_entries', 'at', False),
    ('outbox_messages', 'created_at', False),
    ('outbox_messages', 'sent_at', True),
    ('notifications', 'created_at', False),
    ('notifications', 'read_at', True),
    ('reminders', 'created_at', False),
    ('revoked_tokens', 'expires_at', False),
)


def _moments(aware: bool) -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    for table, column, nullable in MOMENTS:
        op.alter_column(
            table,
            column,
            type_=sa.DateTime(timezone=aware),
            existing_type=sa.DateTime(timezone=not aware),
            existing_nullable=nullable,
            postgresql_using=f"\"{column}\" AT TIME ZONE 'UTC'",
        )


def upgrade():
    with op.batch_alter_table('provinces') as batch:
        batch.add_column(
            sa.Column(
                'timezone', sa.String(length=64), server_default='Asia/Jakarta', nullable=False
            )
        )
    _moments(aware=True)


def downgrade():
    _moments(aware=False)
    with op.batch_alter_table('provinces') as batch:
        batch.drop_column('timezone')
