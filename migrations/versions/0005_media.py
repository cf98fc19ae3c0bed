"""media assets, transcode jobs, resumable uploads and subtitles (media domain)

Revision ID: 0005_media
Revises: 0004_providers_proxies
Create Date: 2026-12-07 15:28:56.991212

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_media'
down_revision = '0004_providers_proxies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('item_key', sa.String(length=24), nullable=False),
    sa.Column('source_key', sa.String(length=300), nullable=True),
    sa.Column('source_name', sa.String(length=255), nullable=True),
    sa.Column('source_size', sa.BigInteger(), nullable=True),
    sa.Column('source_probe', sa.JSON(), nullable=True),
    sa.Column('published_prefix', sa.String(length=300), nullable=True),
    sa.Column('renditions', sa.JSON(), nullable=True),
    sa.Column('duration', sa.Float(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['content_id'], ['content.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_key'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_assets_content_id'), ['content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_assets_episode_id'), ['episode_id'], unique=False)

    op.create_table('transcode_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=300), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('eta_seconds', sa.Float(), nullable=True),
    sa.Column('speed', sa.Float(), nullable=True),
    sa.Column('rungs_live', sa.JSON(), nullable=False),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('error_tail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease', sa.String(length=32), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan', sa.JSON(), nullable=True),
    sa.Column('first_playable_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('playable_seconds', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['media_assets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('transcode_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcode_jobs_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index('ix_transcode_jobs_state', ['state', 'heartbeat_at'], unique=False)


    op.create_table('resumable_uploads',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('metadata_header', sa.Text(), nullable=False),
    sa.Column('upload_metadata', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attached_job_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resumable_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_resumable_uploads_expires_at', ['expires_at'], unique=False)

    op.create_table('media_subtitles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['media_assets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_id', 'language', name='uq_media_subtitles_asset_language')
    )
    with op.batch_alter_table('media_subtitles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_subtitles_asset_id'), ['asset_id'], unique=False)


def downgrade():
    with op.batch_alter_table('media_subtitles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_subtitles_asset_id'))

    op.drop_table('media_subtitles')
    with op.batch_alter_table('resumable_uploads', schema=None) as batch_op:
        batch_op.drop_index('ix_resumable_uploads_expires_at')

    op.drop_table('resumable_uploads')
    with op.batch_alter_table('transcode_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_transcode_jobs_state')
        batch_op.drop_index(batch_op.f('ix_transcode_jobs_asset_id'))

    op.drop_table('transcode_jobs')
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_assets_episode_id'))
        batch_op.drop_index(batch_op.f('ix_media_assets_content_id'))

    op.drop_table('media_assets')
