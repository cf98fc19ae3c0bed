"""Resume rules and position checks (pure: no Flask, no I/O).

The documented contract for a reported position:
- negative positions are refused (VALIDATION_ERROR, by the schema);
- positions past the known duration are clamped to the duration;
- reports to an ended session are refused (409 SESSION_ENDED), so nothing moves after ``end``;
- a report whose client timestamp is older than the newest one seen is ignored (``applied: false``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResumeRules:
    min_percent: float = 5.0        # stopping before this keeps no resume point
    complete_percent: float = 90.0  # reaching this marks the item completed
    end_margin: float = 10.0        # ...as does getting within this many seconds of the end
    min_duration: float = 300.0     # shorter items keep no resume point

    @classmethod
    def from_config(cls, config) -> "ResumeRules":
        return cls(config["RESUME_MIN_PERCENT"], config["RESUME_COMPLETE_PERCENT"], config["RESUME_END_MARGIN"],
                   config["RESUME_MIN_DURATION"])


@dataclass(frozen=True)
class Resume:
    position: float   # where playback resumes next time (0: from the start)
    completed: bool


def clamp(position: float, duration: float) -> float:
    """A position within ``[0, duration]`` (no upper bound when the duration is unknown)."""
    position = max(0.0, float(position))
    return min(position, duration) if duration > 0 else position


def percent(position: float, duration: float) -> float:
    return round(min(100.0, position / duration * 100), 1) if duration > 0 else 0.0


def resume(position: float, duration: float, rules: ResumeRules) -> Resume:
    """Apply the resume rules to the last position of a viewing."""
    position = clamp(position, duration)
    if duration <= 0:
        return Resume(position, False)  # unknown length: keep the point, never guess completion
    if percent(position, duration) >= rules.complete_percent or duration - position <= rules.end_margin:
        return Resume(0.0, True)
    if duration < rules.min_duration or percent(position, duration) < rules.min_percent:
        return Resume(0.0, False)
    return Resume(position, False)

