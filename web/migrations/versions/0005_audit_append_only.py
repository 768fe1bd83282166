"""audit entries are append-only on PostgreSQL

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:20:00

The hash chain (``sepakat audit verify``) finds an edited, deleted or reordered entry after the
fact; these triggers refuse the change itself. The application's database role may INSERT
audit rows and nothing else: an UPDATE, DELETE or TRUNCATE of ``audit_entries`` raises
(SQLSTATE 42501, insufficient_privilege), whoever runs it. The application never does any of
them. An operator who must (e.g. an agreed retention purge) does it as the table's owner with
``ALTER TABLE audit_entries DISABLE TRIGGER USER`` inside the same transaction, which leaves a
trace in the server log when ``log_statement = 'ddl'``. SQLite (the one-process demo) has no
roles and gets no trigger.
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION sepakat_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Jejak audit hanya boleh ditambah: % pada audit_entries ditolak', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Entri audit tidak pernah diubah atau dihapus (migrasi 0005).';
END;
$$
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTION)
    op.execute(
        'CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries '
        'FOR EACH ROW EXECUTE FUNCTION sepakat_audit_append_only()'
    )
    op.execute(
        'CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries '
        'FOR EACH STATEMENT EXECUTE FUNCTION sepakat_audit_append_only()'
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries')
    op.execute('DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries')
    op.execute('DROP FUNCTION IF EXISTS sepakat_audit_append_only()')
