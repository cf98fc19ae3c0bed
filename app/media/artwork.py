"""After a pass: its single thumbnails tiled into sprites (a few milliseconds: small JPEGs)."""
from __future__ import annotations

import glob
import os
import subprocess

from app.media.ffmpeg import FfmpegFailed
from app.media.ladder import tile_command
from app.media.thumbnails import ThumbnailSpec, thumb_name


def tile_thumbnails(ffmpeg: str, out_dir: str, label: str | None, spec: ThumbnailSpec) -> None:
    singles = sorted(glob.glob(os.path.join(out_dir, thumb_name(label).replace("%05d", "*"))))
    if not singles:
        raise FfmpegFailed(0, "the pass wrote no thumbnail")
    done = subprocess.run(tile_command(ffmpeg, out_dir, label, spec), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=300)
    if done.returncode != 0:
        raise FfmpegFailed(done.returncode, done.stderr.decode(errors="replace")[-4000:])
    for single in singles:
        os.unlink(single)
