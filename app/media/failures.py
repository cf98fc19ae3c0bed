"""How a run ends early: the failures a job records, and the stops it does not. Pure."""
from __future__ import annotations

# the output may end this much short of the probed duration (rounding, a last partial GOP)
TRUNCATION_TOLERANCE = (0.9, 1.5)


class JobFailed(Exception):
    """The job ends ``failed`` with this code, message and (for ffmpeg) its last lines."""

    def __init__(self, code: str, message: str, tail: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.tail = code, message, tail


class LeaseLost(Exception):
    """Cancelled, or taken over by another run: stop without touching the job."""


class Dispatched(Exception):
    """The job was cut into chunks: the chord's tasks carry it on."""


def refuse_truncated(duration: float, reached: float) -> None:
    ratio, slack = TRUNCATION_TOLERANCE
    if reached < duration * ratio and duration - reached > slack:
        raise JobFailed("SOURCE_TRUNCATED", f"The source ends after {reached:.1f} s of its {duration:.1f} s: "
                                            "the file is truncated or corrupt")
