"""issue 20: region policies (versioned), support providers' room, manual matches, parking, holds, rent

Revision ID: b7f1c2d3e4a5
Revises: 9d4e6b2c1a38
Create Date: 2026-12-03 17:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401 - autogenerate renders sqlmodel types


revision: str = 'b7f1c2d3e4a5'
down_revision: Union[str, Sequence[str], None] = '9d4e6b2c1a38'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('matcher_region_policy',
                    sa.Column('region', _STR(length=3), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('effective_from', sa.Date(), nullable=False),
                    sa.Column('policy', sa.JSON(), nullable=False),
                    sa.PrimaryKeyConstraint('region', 'version'))
    op.create_table('matcher_support_provider',
                    sa.Column('provider', _STR(length=80), nullable=False),
                    sa.Column('period', _STR(length=4), nullable=False),
                    sa.Column('max_new_clients', sa.Integer(), nullable=False),
                    sa.Column('used', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('provider', 'period'))
    op.create_table('matcher_fixed_pair',
                    sa.Column('candidate_id', _STR(length=80), nullable=False),
                    sa.Column('unit_id', _STR(length=80), nullable=False),
                    sa.Column('region', _STR(length=3), nullable=False),
                    sa.Column('transfer_point', _STR(length=80), nullable=False),
                    sa.Column('reason', _STR(length=500), nullable=False),
                    sa.PrimaryKeyConstraint('candidate_id'))
    op.create_index('ix_matcher_fixed_pair_region', 'matcher_fixed_pair', ['region'])
    with op.batch_alter_table('matcher_candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('declines_counted_from', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('matcher_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rent', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('held_until', sa.Date(), nullable=True))
    with op.batch_alter_table('matcher_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_flagged', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('support_provider', _STR(length=80), nullable=True))
        batch_op.create_index('ix_matcher_offer_support_provider', ['support_provider'])
    with op.batch_alter_table('matcher_offer', schema=None) as batch_op:
        batch_op.alter_column('review_flagged', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('matcher_offer', schema=None) as batch_op:
        batch_op.drop_index('ix_matcher_offer_support_provider')
        batch_op.drop_column('support_provider')
        batch_op.drop_column('review_flagged')
    with op.batch_alter_table('matcher_unit', schema=None) as batch_op:
        batch_op.drop_column('held_until')
        batch_op.drop_column('rent')
    with op.batch_alter_table('matcher_candidate', schema=None) as batch_op:
        batch_op.drop_column('declines_counted_from')
        batch_op.drop_column('parked_until')
    op.drop_index('ix_matcher_fixed_pair_region', table_name='matcher_fixed_pair')
    op.drop_table('matcher_fixed_pair')
    op.drop_table('matcher_support_provider')
    op.drop_table('matcher_region_policy')
