"""drop the write-only skip-reason table: the reasons travel to the intake in CandidatesPassedOver

Revision ID: 5b1c0e7d9a21
Revises: 2421ea3422c6
Create Date: 2026-12-02 20:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - the downgrade renders sqlmodel types


revision: str = '5b1c0e7d9a21'
down_revision: Union[str, Sequence[str], None] = '2421ea3422c6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('matcher_skip_reason', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matcher_skip_reason_offer_id'))
        batch_op.drop_index(batch_op.f('ix_matcher_skip_reason_candidate_id'))
    op.drop_table('matcher_skip_reason')


def downgrade() -> None:
    op.create_table('matcher_skip_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('candidate_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'candidate_id')
    )
    with op.batch_alter_table('matcher_skip_reason', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matcher_skip_reason_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matcher_skip_reason_offer_id'), ['offer_id'], unique=False)
