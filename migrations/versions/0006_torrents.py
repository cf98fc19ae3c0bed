"""torrents whose metadata was fetched (torrents domain)

Revision ID: 0006_torrents
Revises: 0005_media
Create Date: 2026-12-07 18:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_torrents'
down_revision = '0005_media'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('torrents',
    sa.Column('info_hash', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('info', sa.LargeBinary(), nullable=False),
    sa.Column('total_size', sa.BigInteger(), nullable=False),
    sa.Column('piece_length', sa.Integer(), nullable=False),
    sa.Column('num_pieces', sa.Integer(), nullable=False),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('trackers', sa.JSON(), nullable=False),
    sa.Column('peers', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('last_requested_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('info_hash')
    )


def downgrade():
    op.drop_table('torrents')
