"""the administrative audit log (append-only on PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:20:00

``admin_audit_entries`` records every administrative action (accounts, OPDs, pagu, acting
officials, the planning calendar) with the record before and after. Like ``audit_entries``
(migration 0005) it may only grow: the same trigger function, now naming the table it guards,
refuses UPDATE, DELETE and TRUNCATE on PostgreSQL. SQLite (the one-process demo) gets no trigger.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION sepakat_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Jejak audit hanya boleh ditambah: % pada % ditolak', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Entri audit tidak pernah diubah atau dihapus (migrasi 0005, 0009).';
END;
$$
"""


def upgrade():
    op.create_table(
        'admin_audit_entries',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('province_id', sa.Integer(), sa.ForeignKey('provinces.id'), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('actor', sa.String(80), nullable=False),
        sa.Column('action', sa.String(60), nullable=False),
        sa.Column('target_type', sa.String(40), nullable=False),
        sa.Column('target_id', sa.String(80), nullable=False),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_admin_audit_province', 'admin_audit_entries', ['province_id', 'id'])
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    op.execute(
        'CREATE TRIGGER admin_audit_entries_append_only BEFORE UPDATE OR DELETE '
        'ON admin_audit_entries FOR EACH ROW EXECUTE FUNCTION sepakat_audit_append_only()'
    )
    op.execute(
        'CREATE TRIGGER admin_audit_entries_no_truncate BEFORE TRUNCATE ON admin_audit_entries '
        'FOR EACH STATEMENT EXECUTE FUNCTION sepakat_audit_append_only()'
    )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS admin_audit_entries_no_truncate ON admin_audit_entries')
        op.execute('DROP TRIGGER IF EXISTS admin_audit_entries_append_only ON admin_audit_entries')
    op.drop_index('ix_admin_audit_province', table_name='admin_audit_entries')
    op.drop_table('admin_audit_entries')
