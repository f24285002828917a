"""offer period and the reasons of answers

Revision ID: 5b7e2c9d4a10
Revises: 3f7a9c1e5b20
Create Date: 2026-12-03 13:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types


# revision identifiers, used by Alembic.
revision: str = '5b7e2c9d4a10'
down_revision: Union[str, Sequence[str], None] = '3f7a9c1e5b20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('intake_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True))
        batch_op.add_column(sa.Column('rejection_category', sqlmodel.sql.sqltypes.AutoString(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=True))
        batch_op.add_column(sa.Column('decline_category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('intake_offer', schema=None) as batch_op:
        for column in ('decline_reason', 'decline_category', 'rejection_reason', 'rejection_category', 'period'):
            batch_op.drop_column(column)
