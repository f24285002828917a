"""the region clock's last tick; how a never-again pair closed (declined, rejected or expired)

Revision ID: 8c3d5e1f2a47
Revises: 5b1c0e7d9a21
Create Date: 2026-12-10 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types


revision: str = '8c3d5e1f2a47'
down_revision: Union[str, Sequence[str], None] = '5b1c0e7d9a21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('matcher_region_clock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_tick', sa.DateTime(timezone=True), nullable=True))
    # Pairs remembered before this revision keep the only reason they were told with: declined.
    with op.batch_alter_table('matcher_declined_pair', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_as', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='declined'))
    with op.batch_alter_table('matcher_declined_pair', schema=None) as batch_op:
        batch_op.alter_column('closed_as', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('matcher_declined_pair', schema=None) as batch_op:
        batch_op.drop_column('closed_as')
    with op.batch_alter_table('matcher_region_clock', schema=None) as batch_op:
        batch_op.drop_column('last_tick')
