"""issue 21: event times of arrival and withdrawal of candidates and units (the replay of the history)

Revision ID: c4e8a1f0b2d6
Revises: b7f1c2d3e4a5
Create Date: 2026-12-04 16:00:00

Existing rows keep null: their times were never recorded (the replay leaves such rows out and says so).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'c4e8a1f0b2d6'
down_revision: Union[str, Sequence[str], None] = 'b7f1c2d3e4a5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_TABLES = ('matcher_candidate', 'matcher_unit')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('withdrawn_at')
            batch_op.drop_column('arrived_at')
