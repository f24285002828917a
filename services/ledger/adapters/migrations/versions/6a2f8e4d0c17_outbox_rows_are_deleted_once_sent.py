"""outbox rows are deleted once sent: drop the "sent" flag (a sent row kept a person's reference)

Revision ID: 6a2f8e4d0c17
Revises: 02e7d55f93a6
Create Date: 2026-12-03 13:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '6a2f8e4d0c17'
down_revision: Union[str, Sequence[str], None] = '02e7d55f93a6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Rows already sent are what the relay now deletes as it goes; the unsent ones stay to be sent.
    op.execute("delete from ledger_outbox where sent")
    with op.batch_alter_table('ledger_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_outbox_sent'))
        batch_op.drop_column('sent')


def downgrade() -> None:
    with op.batch_alter_table('ledger_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_ledger_outbox_sent'), ['sent'], unique=False)
