"""Short generated video clips (test pattern with a tone) made by the project's own ffmpeg."""
from __future__ import annotations

import subprocess
from pathlib import Path

from app.media.ffmpeg import ffmpeg_binary


def make_clip(path: Path, seconds: float = 3, size: str = "320x180", rate: int = 24, audio: bool = True,
              extra: list[str] | None = None, faststart: bool = True) -> Path:
    """Write a clip to ``path`` (the container follows its suffix) and return it."""
    argv = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        argv += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    argv += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(rate)]
    if audio:
        argv += ["-c:a", "aac", "-b:a", "64k"]
    if path.suffix == ".mp4" and faststart:  # else the moov atom goes after the media data
        argv += ["-movflags", "+faststart"]
    argv += [*(extra or []), str(path)]
    subprocess.run(argv, check=True, timeout=120)
    return path
