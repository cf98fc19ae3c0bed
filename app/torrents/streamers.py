"""The web process's side of the streamers: which one serves a torrent, and asking it to start or
stop a stream (``PUT``/``DELETE /api/v1/torrents/streamer/streams/<hash>`` with the service key).

With ``STREAMERS`` empty there is no remote streamer: the web process streams itself.
"""
from __future__ import annotations

import requests
from flask import current_app

from app.errors import AppError
from app.torrents.routing import Streamer, pick, streamers_from

CONTROL_PATH = "/api/v1/torrents/streamer/streams/"


def configured() -> list[Streamer]:
    config = current_app.config
    return streamers_from(config["STREAMERS"], config["STREAMER_INTERNAL_URLS"])


def routed(info_hash: str) -> Streamer | None:
    """The streamer that serves ``info_hash``, or None when this process streams itself."""
    if current_app.config.get("PROCESS_ROLE") == "streamer":
        return None
    streamers = configured()
    return pick(info_hash, streamers) if streamers else None


def _call(streamer: Streamer, method: str, info_hash: str, body: dict | None = None) -> requests.Response:
    try:
        return requests.request(method, f"{streamer.internal_url}{CONTROL_PATH}{info_hash}", json=body,
                                headers={"x-internal-key": current_app.config["INTERNAL_API_KEY"]},
                                timeout=current_app.config["STREAMER_TIMEOUT"], allow_redirects=False)
    except requests.RequestException as exc:
        raise AppError(f"The streamer at {streamer.public_url} did not answer", code="STREAM_FAILED", status=502,
                       details={"streamer": streamer.public_url, "reason": type(exc).__name__}) from None


def _refused(streamer: Streamer, answer: requests.Response) -> AppError:
    """The streamer's own error envelope, passed on as it was (a full disk, an unsafe path...)."""
    try:
        error = answer.json()["error"]
        return AppError(error["message"], code=error["code"], status=answer.status_code, details=error.get("details"))
    except (ValueError, KeyError, TypeError):
        return AppError(f"The streamer at {streamer.public_url} answered {answer.status_code}", code="STREAM_FAILED",
                        status=502, details={"streamer": streamer.public_url})


def start(streamer: Streamer, info_hash: str, file_index: int, user_id: int | None) -> None:
    answer = _call(streamer, "PUT", info_hash, {"fileIndex": file_index, "userId": user_id})
    if answer.status_code != 200:
        raise _refused(streamer, answer)


def stop(streamer: Streamer, info_hash: str) -> bool:
    answer = _call(streamer, "DELETE", info_hash)
    if answer.status_code == 404:
        return False
    if answer.status_code != 200:
        raise _refused(streamer, answer)
    return True
