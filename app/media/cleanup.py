"""The storage sweep: files nothing points at any more are removed (hourly, by the beat).

What it removes: the folders of assets that no longer exist (their title was deleted), versions
of an asset other than its published one, uploads no asset or job uses, and scratch folders of
runs that ended. Everything younger than ``GRACE_SECONDS`` is left alone, so a version being
published, an upload being attached or a run starting is never taken from under it.
"""
from __future__ import annotations

import logging
import re
import time

from sqlalchemy import select

from app.extensions import db
from app.media import resumable
from app.media.captions import SUBS
from app.media.models import ACTIVE_STATES, MediaAsset, TranscodeJob
from app.media.store import storage, work_area

log = logging.getLogger("marquee.media")
GRACE_SECONDS = 3600
_SCRATCH = re.compile(r"^job(\d+)-")


def sweep_storage(now: float | None = None, grace: float = GRACE_SECONDS) -> dict:
    store = storage()
    cutoff = (time.time() if now is None else now) - grace
    published = dict(db.session.execute(select(MediaAsset.id, MediaAsset.published_prefix)).all())
    sources = set(db.session.scalars(select(MediaAsset.source_key).where(MediaAsset.source_key.is_not(None))))
    sources |= set(db.session.scalars(select(TranscodeJob.source_key).where(TranscodeJob.state.in_(ACTIVE_STATES))))
    running = set(db.session.scalars(select(TranscodeJob.id).where(TranscodeJob.state.in_(ACTIVE_STATES))))
    removed = {"assets": 0, "versions": 0, "uploads": 0, "scratch": 0, "tus": resumable.remove_expired()}

    for name, changed in store.children("media"):
        asset_id = int(name) if name.isdigit() else None
        if asset_id not in published:
            if changed <= cutoff:
                store.delete_prefix(f"media/{name}")
                removed["assets"] += 1
            continue
        for version, version_changed in store.children(f"media/{name}"):
            if version == SUBS:
                continue  # the subtitle tracks belong to the asset, not to a version
            if f"media/{name}/{version}" != published[asset_id] and version_changed <= cutoff:
                store.delete_prefix(f"media/{name}/{version}")
                removed["versions"] += 1
    for name, changed in store.children("uploads"):
        if changed <= cutoff and f"uploads/{name}/source" not in sources:
            store.delete_prefix(f"uploads/{name}")
            removed["uploads"] += 1
    area = work_area()
    for name, changed in area.children():
        match = _SCRATCH.match(name)
        if changed <= cutoff and not (match and int(match[1]) in running):
            area.remove(name)
            removed["scratch"] += 1
    if any(removed.values()):
        log.info("media storage sweep removed %s", removed)
    return removed
