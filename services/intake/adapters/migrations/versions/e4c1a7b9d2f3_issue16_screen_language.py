"""issue 16: a person's chosen language for the screens

Revision ID: e4c1a7b9d2f3
Revises: d8bc09e6a43b
Create Date: 2026-12-03 17:10:00.000000

Only adds a nullable column; other helpers' migrations of this session may be re-chained around it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types


# revision identifiers, used by Alembic.
revision: str = 'e4c1a7b9d2f3'
down_revision: Union[str, Sequence[str], None] = 'd8bc09e6a43b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('intake_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('intake_user', schema=None) as batch_op:
        batch_op.drop_column('language')
