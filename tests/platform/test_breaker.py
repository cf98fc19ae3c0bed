"""Circuit breakers: the pure state machine, then the Redis-backed breaker every process shares."""
import threading

import pytest

from app.core import breaker_state as bs

POLICY = bs.BreakerPolicy(failure_threshold=3, open_seconds=60, reset_seconds=30)


def fail(state, times, now=100.0):
    for i in range(times):
        state = bs.on_failure(state, POLICY, now + i)
    return state


def test_closed_breaker_opens_at_the_threshold():
    state = fail(bs.BreakerState(), 2)
    assert state.state == bs.CLOSED and state.failures == 2
    state = bs.on_failure(state, POLICY, 103)
    assert state.state == bs.OPEN and state.opened_at == 103


def test_quiet_time_resets_the_failure_count():
    state = fail(bs.BreakerState(), 2)
    state = bs.on_failure(state, POLICY, 200)  # 99 s after the last: starts over
    assert state.state == bs.CLOSED and state.failures == 1
    assert bs.before_call(fail(bs.BreakerState(), 2), POLICY, 500).state == bs.BreakerState()


def test_open_refuses_until_the_open_time_then_hands_out_one_trial():
    opened = fail(bs.BreakerState(), 3)
    refused = bs.before_call(opened, POLICY, opened.opened_at + 10)
    assert not refused.allowed and refused.retry_after == pytest.approx(50)
    trial = bs.before_call(opened, POLICY, opened.opened_at + 61)
    assert trial.allowed and trial.state.state == bs.HALF_OPEN
    second = bs.before_call(trial.state, POLICY, opened.opened_at + 62)
    assert not second.allowed  # only one trial at a time


def test_trial_decides():
    trial = bs.before_call(fail(bs.BreakerState(), 3), POLICY, 1000).state
    assert bs.on_success(trial, POLICY, 1001) == bs.BreakerState()
    reopened = bs.on_failure(trial, POLICY, 1001)
    assert reopened.state == bs.OPEN and reopened.opened_at == 1001


def test_forced_open_stays_open():
    forced = bs.forced_open(100)
    assert not bs.before_call(forced, POLICY, 100_000).allowed


def test_state_round_trips_through_strings():
    state = bs.BreakerState(bs.OPEN, 4, 12.5, 12.5, 0.0, True)
    raw = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in state.as_dict().items()}
    assert bs.BreakerState.from_dict(raw) == state


# ---- Redis-backed -------------------------------------------------------------------------

def test_redis_breaker_opens_and_fails_fast_with_service_unavailable(app_ctx):
    from app.platform import breaker
    from app.errors import ServiceUnavailableError

    for _ in range(5):  # default threshold
        breaker.allow("host:flaky.test")
        breaker.record_failure("host:flaky.test")
    with pytest.raises(ServiceUnavailableError) as caught:
        breaker.allow("host:flaky.test")
    assert caught.value.code == "SERVICE_UNAVAILABLE" and int(caught.value.headers["Retry-After"]) >= 59
    [described] = breaker.list_breakers()
    assert described["name"] == "host:flaky.test" and described["state"] == "open"


def test_only_one_of_many_racing_callers_gets_the_half_open_trial(app_ctx, monkeypatch):
    from app.platform import breaker
    from app.errors import ServiceUnavailableError

    monkeypatch.setitem(app_ctx.config, "BREAKER_OPEN_SECONDS", 0.2)
    for _ in range(5):
        breaker.record_failure("host:race.test")
    import time

    time.sleep(0.25)
    outcomes = []

    def call():
        with app_ctx.app_context():
            try:
                breaker.allow("host:race.test")
                outcomes.append("allowed")
            except ServiceUnavailableError:
                outcomes.append("refused")

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("allowed") == 1 and outcomes.count("refused") == 7
    breaker.record_success("host:race.test")
    assert breaker.describe("host:race.test")["state"] == "closed"
