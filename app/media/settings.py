"""Media settings: upload limits, the ladder and its encoding, storage, signed URL lifetime."""
from __future__ import annotations

from datetime import timedelta

from config.env import env_int, env_str


def read_settings(config) -> dict:
    return {
        "MEDIA_MAX_UPLOAD_BYTES": env_int("MEDIA_MAX_UPLOAD_BYTES", 20 * 1024 ** 3),
        # refuse an upload that would leave less than this free (the ladder needs room too)
        "MEDIA_MIN_FREE_BYTES": env_int("MEDIA_MIN_FREE_BYTES", 1024 ** 3),
        "MEDIA_LADDER": env_str("MEDIA_LADDER", "1080:5000k,720:2800k,480:1200k,360:600k"),
        "MEDIA_AUDIO_KBPS": env_int("MEDIA_AUDIO_KBPS", 128),
        "MEDIA_X264_PRESET": env_str("MEDIA_X264_PRESET", "veryfast"),
        "MEDIA_SEGMENT_SECONDS": env_int("MEDIA_SEGMENT_SECONDS", 6),
        "MEDIA_KEYFRAME_SECONDS": env_int("MEDIA_KEYFRAME_SECONDS", 2),
        "MEDIA_TASK_TIME_LIMIT": env_int("MEDIA_TASK_TIME_LIMIT", 6 * 3600),
        # a running job whose worker has not written for this long is taken over by another run
        "MEDIA_JOB_STALL_SECONDS": env_int("MEDIA_JOB_STALL_SECONDS", 120),
        "MEDIA_FILES_RATE_LIMIT": env_str("MEDIA_FILES_RATE_LIMIT", "3000 per minute"),
        "FFMPEG_BINARY": env_str("FFMPEG_BINARY", ""),
        # tus uploads: where their bytes grow (shared by every web process), how long an idle one lives
        "MEDIA_UPLOAD_DIR": env_str("MEDIA_UPLOAD_DIR", ""),
        "MEDIA_UPLOAD_EXPIRY": env_int("MEDIA_UPLOAD_EXPIRY", 24 * 3600),
        "MEDIA_UPLOAD_LOCK_SECONDS": env_int("MEDIA_UPLOAD_LOCK_SECONDS", 60),
        "STORAGE_BACKEND": env_str("STORAGE_BACKEND", "local"),
        "STREAM_URL_TTL": env_int("STREAM_URL_TTL", 4 * 3600),
        "STREAM_SIGNING_KEY": env_str("STREAM_SIGNING_KEY", ""),
        # the origin players fetch media files from when it is not this app's (a CDN in front of it)
        "MEDIA_PUBLIC_BASE_URL": env_str("MEDIA_PUBLIC_BASE_URL", ""),
    }


def beat_entries(config) -> dict:
    return {
        "media-requeue-stalled": {"task": "workers.media.requeue_stalled",
                                  "schedule": timedelta(seconds=max(30, config["MEDIA_JOB_STALL_SECONDS"] // 2))},
        "media-sweep-storage": {"task": "workers.media.sweep_storage", "schedule": timedelta(hours=1)},
    }
