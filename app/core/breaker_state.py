"""The circuit-breaker state machine, pure: a state in, an event and a clock in, a state out.

``app.platform.breaker`` keeps these states in Redis so every process agrees; this module only
decides. Times are epoch seconds (floats) so the caller owns the clock and tests own time.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
STATES = (CLOSED, OPEN, HALF_OPEN)


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int = 5  # consecutive failures that open a closed breaker
    open_seconds: float = 60.0  # how long an open breaker refuses before allowing one trial
    reset_seconds: float = 30.0  # quiet time after which a closed breaker forgets old failures


@dataclass(frozen=True)
class BreakerState:
    state: str = CLOSED
    failures: int = 0
    last_failure_at: float = 0.0
    opened_at: float = 0.0
    trial_started_at: float = 0.0  # non-zero while a half-open trial is in flight
    forced: bool = False  # opened by an operator: stays open until reset

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict | None) -> "BreakerState":
        if not raw:
            return cls()
        state = raw.get("state", CLOSED)
        return cls(
            state=state if state in STATES else CLOSED,
            failures=int(float(raw.get("failures", 0) or 0)),
            last_failure_at=float(raw.get("last_failure_at", 0) or 0),
            opened_at=float(raw.get("opened_at", 0) or 0),
            trial_started_at=float(raw.get("trial_started_at", 0) or 0),
            forced=str(raw.get("forced", "")).lower() in ("1", "true"),
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    state: BreakerState
    retry_after: float = 0.0  # seconds until a call may be allowed, when refused


def before_call(current: BreakerState, policy: BreakerPolicy, now: float) -> Decision:
    """May a call go out now? Moving open -> half-open hands out exactly one trial."""
    if current.state == CLOSED:
        if current.failures and now - current.last_failure_at >= policy.reset_seconds:
            return Decision(True, BreakerState())
        return Decision(True, current)
    if current.state == OPEN:
        if current.forced:
            return Decision(False, current, policy.open_seconds)
        reopen_at = current.opened_at + policy.open_seconds
        if now < reopen_at:
            return Decision(False, current, reopen_at - now)
        return Decision(True, BreakerState(HALF_OPEN, current.failures, current.last_failure_at, current.opened_at,
                                           trial_started_at=now))
    # half-open: one trial at a time; a trial whose caller vanished expires after open_seconds
    if current.trial_started_at and now - current.trial_started_at < policy.open_seconds:
        return Decision(False, current, current.trial_started_at + policy.open_seconds - now)
    return Decision(True, BreakerState(HALF_OPEN, current.failures, current.last_failure_at, current.opened_at,
                                       trial_started_at=now))


def on_success(current: BreakerState, policy: BreakerPolicy, now: float) -> BreakerState:
    if current.state == OPEN:
        return current  # a late answer from before the breaker opened decides nothing
    return BreakerState()


def on_failure(current: BreakerState, policy: BreakerPolicy, now: float) -> BreakerState:
    if current.state == HALF_OPEN:
        return BreakerState(OPEN, current.failures + 1, now, opened_at=now)
    if current.state == OPEN:
        return BreakerState(OPEN, current.failures + 1, now, current.opened_at, forced=current.forced)
    failures = current.failures + 1
    if current.failures and now - current.last_failure_at >= policy.reset_seconds:
        failures = 1
    if failures >= policy.failure_threshold:
        return BreakerState(OPEN, failures, now, opened_at=now)
    return BreakerState(CLOSED, failures, now)


def forced_open(now: float) -> BreakerState:
    return BreakerState(OPEN, 0, 0.0, opened_at=now, forced=True)
