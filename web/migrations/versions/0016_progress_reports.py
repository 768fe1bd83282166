"""progress reports: the second workflow type

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 15:30:00

Issue 14: after sign-off each OPD reports per period what it achieved and spent on a signed
activity (``progress_reports``), moved by the same engine as activities, with a hash chain of
its own (``report_audit_entries``, append-only on PostgreSQL like ``audit_entries``),
reminders keyed by activity, year and period (``report_reminders``), evidence as attachments
(``attachments.report_id``) and inbox items about one report (``notifications.report_id``).
Existing rows are untouched.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'progress_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('province_id', sa.Integer(), nullable=False),
        sa.Column('opd_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('state', sa.String(length=40), nullable=False),
        sa.Column('workflow_version', sa.String(length=40), nullable=False),
        sa.Column('revision_round', sa.Integer(), nullable=False),
        sa.Column('output_target', sa.Float(), nullable=True),
        sa.Column('output_realised', sa.Float(), nullable=True),
        sa.Column('output_unit', sa.String(length=60), nullable=False),
        sa.Column('budget_realised', sa.BigInteger(), nullable=True),
        sa.Column('obstacles', sa.Text(), nullable=False),
        sa.Column('follow_up', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name='fk_progress_reports_activity_id_activities'),
        sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], name='fk_progress_reports_province_id_provinces'),
        sa.ForeignKeyConstraint(['opd_id'], ['opds.id'], name='fk_progress_reports_opd_id_opds'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name='fk_progress_reports_plan_id_plans'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_progress_reports_created_by_id_users'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name='fk_progress_reports_submitted_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_progress_reports'),
        sa.UniqueConstraint('activity_id', 'year', 'period', name='uq_progress_reports_period'),
    )
    op.create_index('ix_progress_reports_activity_id', 'progress_reports', ['activity_id'])
    op.create_index(
        'ix_progress_reports_scope', 'progress_reports', ['province_id', 'year', 'period', 'state']
    )
    op.create_table(
        'report_audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('from_state', sa.String(length=40), nullable=True),
        sa.Column('to_state', sa.String(length=40), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['progress_reports.id'], name='fk_report_audit_entries_report_id_progress_reports'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name='fk_report_audit_entries_actor_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_report_audit_entries'),
        sa.UniqueConstraint('report_id', 'seq', name='uq_report_audit_entries_seq'),
    )
    op.create_table(
        'report_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('revision_round', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name='fk_report_reminders_activity_id_activities'),
        sa.PrimaryKeyConstraint('id', name='pk_report_reminders'),
        sa.UniqueConstraint(
            'activity_id', 'year', 'period', 'stage', 'revision_round', 'level',
            name='uq_report_reminders',
        ),
    )
    with op.batch_alter_table('attachments') as batch:
        batch.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_attachments_report_id_progress_reports', 'progress_reports', ['report_id'], ['id']
        )
        batch.create_index('ix_attachments_report_id', ['report_id'])
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_notifications_report_id_progress_reports', 'progress_reports', ['report_id'], ['id']
        )
    if op.get_bind().dialect.name == 'postgresql':
        # The function of migration 0005 refuses the change, whichever table it guards.
        op.execute(
            'CREATE TRIGGER report_audit_entries_append_only BEFORE UPDATE OR DELETE '
            'ON report_audit_entries FOR EACH ROW EXECUTE FUNCTION sepakat_audit_append_only()'
        )
        op.execute(
            'CREATE TRIGGER report_audit_entries_no_truncate BEFORE TRUNCATE '
            'ON report_audit_entries FOR EACH STATEMENT EXECUTE FUNCTION sepakat_audit_append_only()'
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS report_audit_entries_no_truncate ON report_audit_entries')
        op.execute('DROP TRIGGER IF EXISTS report_audit_entries_append_only ON report_audit_entries')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_constraint('fk_notifications_report_id_progress_reports', type_='foreignkey')
        batch.drop_column('report_id')
    with op.batch_alter_table('attachments') as batch:
        batch.drop_index('ix_attachments_report_id')
        batch.drop_constraint('fk_attachments_report_id_progress_reports', type_='foreignkey')
        batch.drop_column('report_id')
    op.drop_table('report_reminders')
    op.drop_table('report_audit_entries')
    op.drop_index('ix_progress_reports_scope', table_name='progress_reports')
    op.drop_index('ix_progress_reports_activity_id', table_name='progress_reports')
    op.drop_table('progress_reports')
