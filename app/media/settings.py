"""Media settings: upload limits, the ladder and its encoding, storage, signed URL lifetime."""
from __future__ import annotations

from datetime import timedelta

from config.env import env_float, env_int, env_str


def read_settings(config) -> dict:
    settings = _read()
    _refuse_bad(settings)
    return settings


def _refuse_bad(settings: dict) -> None:
    """Refuse at start-up, with what to fix, settings that would only fail at the first upload."""
    from app.media.ladder import LadderError, parse_ladder

    try:
        parse_ladder(settings["MEDIA_LADDER"])
    except LadderError as exc:
        raise RuntimeError(str(exc)) from None
    if settings["MEDIA_SEGMENT_SECONDS"] % max(1, settings["MEDIA_KEYFRAME_SECONDS"]):
        raise RuntimeError("MEDIA_SEGMENT_SECONDS must be a multiple of MEDIA_KEYFRAME_SECONDS")
    if settings["STORAGE_BACKEND"] not in ("local", "s3"):
        raise RuntimeError(f"STORAGE_BACKEND={settings['STORAGE_BACKEND']!r}: use local or s3")
    if settings["STORAGE_BACKEND"] == "s3" and not settings["S3_BUCKET"]:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
    if settings["MEDIA_S3_DELIVERY"] not in ("proxy", "redirect"):
        raise RuntimeError(f"MEDIA_S3_DELIVERY={settings['MEDIA_S3_DELIVERY']!r}: use proxy or redirect")


def _read() -> dict:
    return {
        "MEDIA_MAX_UPLOAD_BYTES": env_int("MEDIA_MAX_UPLOAD_BYTES", 20 * 1024 ** 3),
        # refuse an upload that would leave less than this free (the ladder needs room too)
        "MEDIA_MIN_FREE_BYTES": env_int("MEDIA_MIN_FREE_BYTES", 1024 ** 3),
        "MEDIA_LADDER": env_str("MEDIA_LADDER", "1080:5000k,720:2800k,480:1200k,360:600k"),
        "MEDIA_AUDIO_KBPS": env_int("MEDIA_AUDIO_KBPS", 128),
        "MEDIA_X264_PRESET": env_str("MEDIA_X264_PRESET", "veryfast"),
        "MEDIA_SEGMENT_SECONDS": env_int("MEDIA_SEGMENT_SECONDS", 6),
        "MEDIA_KEYFRAME_SECONDS": env_int("MEDIA_KEYFRAME_SECONDS", 2),
        # a longer source is cut into chunks that several workers transcode at once (0: never)
        "MEDIA_CHUNK_SECONDS": env_int("MEDIA_CHUNK_SECONDS", 60),
        # one scrub-preview thumbnail per this many seconds (tiled 10x10 into sprites)
        "MEDIA_THUMBNAIL_SECONDS": env_int("MEDIA_THUMBNAIL_SECONDS", 10),
        "MEDIA_MAX_SUBTITLE_BYTES": env_int("MEDIA_MAX_SUBTITLE_BYTES", 2 * 1024 * 1024),
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
        # S3-compatible storage (credentials: boto3's chain, e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
        "S3_BUCKET": env_str("S3_BUCKET", ""),
        "S3_REGION": env_str("S3_REGION", ""),
        "S3_ENDPOINT_URL": env_str("S3_ENDPOINT_URL", ""),
        "S3_KEY_PREFIX": env_str("S3_KEY_PREFIX", ""),
        "S3_TIMEOUT": env_float("S3_TIMEOUT", 10.0),
        # segments from S3: relayed by the app (proxy) or a redirect to a presigned URL (redirect)
        "MEDIA_S3_DELIVERY": env_str("MEDIA_S3_DELIVERY", "proxy"),
        # where scratch folders and uploads being checked live (empty: STORAGE_DIR/work)
        "MEDIA_WORK_DIR": env_str("MEDIA_WORK_DIR", ""),
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
