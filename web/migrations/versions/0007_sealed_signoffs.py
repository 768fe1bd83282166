"""sealed sign-offs; the decree date on activities; attachments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:05:00

``activities.decree_date`` is the tanggal penetapan entered beside the decree number (activities
signed before it stay without one). ``signoffs`` keeps what each sign-off signed as a canonical
snapshot and its SHA-256, with the short code the lampiran prints; ``signoff_activities`` which
activities each sealed. ``attachments`` describes the files attached to activities and
sign-offs (their bytes are in the storage folder, by SHA-256).
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities') as batch:
        batch.add_column(sa.Column('decree_date', sa.Date(), nullable=True))
    op.create_table(
        'signoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('province_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('decree_number', sa.String(length=120), nullable=False),
        sa.Column('decree_date', sa.Date(), nullable=False),
        sa.Column('signed_by_id', sa.Integer(), nullable=False),
        sa.Column('signer_username', sa.String(length=80), nullable=False),
        sa.Column('signer_name', sa.String(length=200), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('activity_count', sa.Integer(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['province_id'], ['provinces.id'], name=op.f('fk_signoffs_province_id_provinces')
        ),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_signoffs_plan_id_plans')),
        sa.ForeignKeyConstraint(
            ['signed_by_id'], ['users.id'], name=op.f('fk_signoffs_signed_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signoffs')),
        sa.UniqueConstraint('code', name=op.f('uq_signoffs_code')),
    )
    op.create_index(op.f('ix_signoffs_plan_id'), 'signoffs', ['plan_id'])
    op.create_table(
        'signoff_activities',
        sa.Column('signoff_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['signoff_id'],
            ['signoffs.id'],
            name=op.f('fk_signoff_activities_signoff_id_signoffs'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['activity_id'],
            ['activities.id'],
            name=op.f('fk_signoff_activities_activity_id_activities'),
        ),
        sa.PrimaryKeyConstraint('signoff_id', 'activity_id', name=op.f('pk_signoff_activities')),
    )
    op.create_index(
        op.f('ix_signoff_activities_activity_id'), 'signoff_activities', ['activity_id']
    )

    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=True),
        sa.Column('signoff_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['activity_id'], ['activities.id'], name=op.f('fk_attachments_activity_id_activities')
        ),
        sa.ForeignKeyConstraint(
            ['signoff_id'], ['signoffs.id'], name=op.f('fk_attachments_signoff_id_signoffs')
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    op.create_index(op.f('ix_attachments_activity_id'), 'attachments', ['activity_id'])
    op.create_index(op.f('ix_attachments_signoff_id'), 'attachments', ['signoff_id'])


def downgrade():
    op.drop_index(op.f('ix_attachments_signoff_id'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_activity_id'), table_name='attachments')
    op.drop_table('attachments')
    op.drop_index(op.f('ix_signoff_activities_activity_id'), table_name='signoff_activities')
    op.drop_table('signoff_activities')
    op.drop_index(op.f('ix_signoffs_plan_id'), table_name='signoffs')
    op.drop_table('signoffs')
    with op.batch_alter_table('activities') as batch:
        batch.drop_column('decree_date')
