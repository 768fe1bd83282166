"""registration numbers on activities

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:10:00

Every activity gets its human number ``<prefix>-<plan start year>-<sequence>`` (e.g.
LPG-2023-0042, ``core.services.registration``). Existing rows are numbered per plan in the order
they were created (by id); each plan keeps the last sequence given in ``registration_seq``. The
prefix is the province plugin's (``ProvinceInfo.registration_prefix``) when the app that runs the
migration has it loaded, else the first three letters of the province code, as core defaults.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _prefixes():
    """Province code → prefix, from the running app's plugin registry where there is one."""
    try:
        from flask import current_app

        from core.services.registration import registration_prefix
        from web import get_registry

        return {runtime.code: registration_prefix(runtime.info) for runtime in get_registry(current_app)}
    except Exception:  # no app or no registry (e.g. plain alembic): core's default
        return {}


def _backfill():
    from core.services.registration import format_number

    conn = op.get_bind()
    prefixes = _prefixes()
    plans = conn.execute(
        sa.text(
            'SELECT plans.id, plans.start_year, provinces.code FROM plans '
            'JOIN provinces ON provinces.id = plans.province_id ORDER BY plans.id'
        )
    ).all()
    for plan_id, start_year, province in plans:
        prefix = prefixes.get(province) or province[:3].upper()
        ids = conn.execute(
            sa.text('SELECT id FROM activities WHERE plan_id = :p ORDER BY id'), {'p': plan_id}
        ).scalars().all()
        for seq, activity_id in enumerate(ids, 1):
            conn.execute(
                sa.text('UPDATE activities SET registration_number = :n WHERE id = :i'),
                {'n': format_number(prefix, start_year, seq), 'i': activity_id},
            )
        conn.execute(
            sa.text('UPDATE plans SET registration_seq = :s WHERE id = :p'),
            {'s': len(ids), 'p': plan_id},
        )


def upgrade():
    with op.batch_alter_table('plans') as batch:
        batch.add_column(
            sa.Column('registration_seq', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('activities') as batch:
        batch.add_column(sa.Column('registration_number', sa.String(length=40), nullable=True))
    _backfill()
    with op.batch_alter_table('activities') as batch:
        batch.create_unique_constraint(
            op.f('uq_activities_registration_number'), ['registration_number']
        )


def downgrade():
    with op.batch_alter_table('activities') as batch:
        batch.drop_constraint(op.f('uq_activities_registration_number'), type_='unique')
        batch.drop_column('registration_number')
    with op.batch_alter_table('plans') as batch:
        batch.drop_column('registration_seq')
