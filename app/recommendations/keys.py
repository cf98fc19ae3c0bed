"""Redis keys of the recommendations domain."""
from __future__ import annotations

from app.core.keys import key


def family(name: str) -> str:
    """One hash per family of lists built together (``trending``, ``popular``): each field a
    list as JSON, replaced as a whole so a reader never mixes two builds."""
    return key("recs", "lists", name)


def building(name: str) -> str:
    """Held while one process rebuilds a family on demand, so a cold cache is built once."""
    return key("recs", "building", name)


def current(model: str) -> str:
    """The version of a model's snapshot that readers use."""
    return key("recs", "model", model, "current")


def snapshot_lists(model: str, version: str) -> str:
    """One field per content id (or user id): its ranked list as JSON."""
    return key("recs", "model", model, version, "lists")


def snapshot_blob(model: str, version: str, blob: str) -> str:
    """A model artefact (base64), e.g. the content feature model of ``similar``."""
    return key("recs", "model", model, version, "blob", blob)


def snapshot_pattern(model: str, version: str) -> str:
    return key("recs", "model", model, version, "*")


def fingerprint(model: str) -> str:
    """What the data looked like when a model was last built (a rebuild with nothing new is skipped)."""
    return key("recs", "model", model, "fingerprint")


def dirty_users() -> str:
    """Users whose history or favorites changed since their list was ranked (a set)."""
    return key("recs", "dirty-users")


def job(job_id: str) -> str:
    """A training job's status (a hash)."""
    return key("recs", "job", job_id)


def active_job() -> str:
    """The id of the training queued or running now (one at a time)."""
    return key("recs", "job", "active")


def folded_while_training() -> str:
    """Users folded into the current model since a training read its data: marked changed again
    once that training's model is swapped in."""
    return key("recs", "folded-while-training")


def first_training() -> str:
    """The data fingerprint the first training was last started on (no retry on the same data)."""
    return key("recs", "first-training")
