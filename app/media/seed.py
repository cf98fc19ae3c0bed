"""`flask seed`'s media step: a short generated clip attached to a demo movie and queued, so the
player page has something to play once the worker has transcoded it."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app.catalog import service as catalog
from app.extensions import db
from app.media import uploads
from app.media.ffmpeg import ffmpeg_binary
from app.media.models import MediaAsset

DEMO_TITLE = "Marquee Test Pattern"
DEMO_SECONDS = 20


def _make_clip(path: Path) -> None:
    """A 720p test pattern with a tone, made by the project's own ffmpeg (nothing downloaded)."""
    subprocess.run([ffmpeg_binary(current_app.config["FFMPEG_BINARY"]), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={DEMO_SECONDS}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={DEMO_SECONDS}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-movflags", "+faststart", str(path)], check=True, timeout=300, capture_output=True)


def seed_demo() -> None:
    found = catalog.locate(DEMO_TITLE)
    content_id = found[0] if found else catalog.create_content({
        "kind": "movie", "title": DEMO_TITLE, "maturity_rating": "G", "status": "published", "tier_required": "free",
        "release_year": 2026, "runtime_minutes": 1, "genres": ["Documentary"],
        "synopsis": "A generated test pattern with a tone: the demo of uploads, the HLS ladder and the player."})["id"]
    if db.session.scalar(select(MediaAsset.id).where(MediaAsset.content_id == content_id)) is not None:
        click.echo(f"Demo video: already attached to '{DEMO_TITLE}' (content {content_id})")
        return
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "test-pattern.mp4"
        try:
            _make_clip(clip)
        except (OSError, subprocess.SubprocessError) as exc:
            click.echo(f"Demo video: skipped, ffmpeg could not make the clip ({exc})")
            return
        with open(clip, "rb") as handle:
            key, size, info = uploads.store_upload(handle)
    job = uploads.attach(content_id, None, key, size, info, clip.name)
    click.echo(f"Demo video: '{DEMO_TITLE}' (content {content_id}) queued as transcode job {job['id']}; "
               f"play it at /media/player?content={content_id} once the worker is done")
