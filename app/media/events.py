"""Live job progress for admins: ``media_progress`` to the Socket.IO room ``admin:media``,
which every admin socket enters when it connects."""
from __future__ import annotations

import logging

from app.core.timeutil import now_ms
from app.extensions import socketio
from app.platform.sockets import NAMESPACE, on_connect

log = logging.getLogger("marquee.media")
ADMIN_ROOM = "admin:media"


def _enter_admin_room(identity, sid: str) -> None:
    if identity.is_admin:
        socketio.server.enter_room(sid, ADMIN_ROOM, namespace=NAMESPACE)


_registered = False


def register_admin_room() -> None:
    global _registered
    if not _registered:
        _registered = True
        on_connect(_enter_admin_room)


def job_changed(job) -> None:
    """Tell the admins (on whichever process holds their sockets); a failed emit never fails a job."""
    payload = {"jobId": job.id, "assetId": job.asset_id, "contentId": job.asset.content_id,
               "episodeId": job.asset.episode_id, "state": job.state, "progress": job.progress,
               "etaSeconds": job.eta_seconds, "speed": job.speed, "rungsLive": list(job.rungs_live or []),
               "errorCode": job.error_code, "error": job.error, "serverTime": now_ms()}
    try:
        socketio.emit("media_progress", payload, to=ADMIN_ROOM, namespace=NAMESPACE)
    except Exception:
        log.warning("media_progress for job %s could not be sent", job.id, exc_info=True)
