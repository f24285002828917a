"""issue 21: municipalities' simulation jobs (status, progress, report)

Revision ID: c21d5e7f9a13
Revises: a17c3e5f9b21
Create Date: 2026-12-04 16:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision: str = 'c21d5e7f9a13'
down_revision: Union[str, Sequence[str], None] = 'a17c3e5f9b21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'intake_simulation_job',
        sa.Column('job_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('org_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('seeds', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('variants', sa.JSON(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('days_simulated', sa.Integer(), nullable=False),
        sa.Column('days_total', sa.Integer(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('job_id'))
    with op.batch_alter_table('intake_simulation_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_simulation_job_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('intake_simulation_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_simulation_job_org_id'))
    op.drop_table('intake_simulation_job')
