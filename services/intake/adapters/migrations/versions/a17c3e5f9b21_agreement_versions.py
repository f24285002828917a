"""every version of an agreement or neighbourhood limit (issue 17: the policy officer's history)

Revision ID: a17c3e5f9b21
Revises: f718834e0709
Create Date: 2026-12-03 17:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision: str = 'a17c3e5f9b21'
down_revision: Union[str, Sequence[str], None] = 'f718834e0709'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'intake_agreement_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('intake_agreement_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_intake_agreement_version_municipality'), ['municipality'], unique=False)
    # What was registered before this table existed is its first version (changed when it was last saved).
    op.execute("insert into intake_agreement_version (municipality, kind, subject, period, details, changed_at, actor) "
               "select municipality, kind, subject, period, details, updated_at, 'before-history' "
               "from intake_agreement")


def downgrade() -> None:
    with op.batch_alter_table('intake_agreement_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_intake_agreement_version_municipality'))
    op.drop_table('intake_agreement_version')
