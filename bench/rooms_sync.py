"""Sync quality: 10 simulated players follow one room behind one-way delays of 0-150 ms
(plus per-message jitter).

Each player has a skewed local clock (up to +-3 s), aligns it the way the demo page does
(several ``time_sync`` samples, keep the least round trip), reports that round trip in
``heartbeat`` and follows ``playback_updated`` with ``effectiveAt``. One second after a play and
after a seek we read every player's position at the same true instant and report the spread
(max - min). A naive follower (acts on receipt, no clock alignment) is measured alongside.
Run: ``.venv/bin/python bench/rooms_sync.py`` (``--trials N``, ``--samples N``; ``--smoke``: one trial,
two samples per player).
"""
from __future__ import annotations

import argparse
import random
import statistics
import threading
import time

import socketio

from _rooms_stack import Stack, percentile
from common import parse_args


def true_ms() -> float:
    return time.time() * 1000


class Player:
    def __init__(self, url: str, token: str, delay_ms: float, skew_ms: float, jitter_ms: float) -> None:
        self.base, self.jitter, self.skew = delay_ms / 1000, jitter_ms / 1000, skew_ms
        self.offset, self.best_rtt = 0.0, None
        self.state = None          # what the aligned player follows
        self.naive = None          # (state, true receipt time) for the naive follower
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("playback_updated", lambda e: self._later(self._on_update, e))
        self.sio.on("initial_state", lambda e: self._later(self._on_state, e))
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    @property
    def delay(self) -> float:
        """One-way delay of one message: the player's base plus independent jitter each way."""
        return self.base + random.uniform(0, self.jitter)

    def local_ms(self) -> float:
        return true_ms() + self.skew

    def _later(self, func, *args) -> None:
        timer = threading.Timer(self.delay, func, args)  # the inbound one-way delay
        timer.daemon = True
        timer.start()

    def _on_state(self, snapshot) -> None:
        self.state = snapshot["currentState"]
        self.naive = (snapshot["currentState"], true_ms())

    def _on_update(self, event) -> None:
        self.state = event["state"]
        self.naive = (event["state"], true_ms())

    def call(self, event: str, data):
        time.sleep(self.delay)  # outbound one-way delay
        reply = self.sio.call(event, data, timeout=10)
        time.sleep(self.delay)  # the answer travels back too
        return reply

    def align(self, samples: int = 7) -> None:
        for _ in range(samples):
            sent = self.local_ms()
            reply = self.call("time_sync", {"clientTime": sent})
            received = self.local_ms()
            rtt = received - sent
            if self.best_rtt is None or rtt <= self.best_rtt:
                self.best_rtt = rtt
                self.offset = reply["data"]["serverTime"] - (sent + received) / 2

    def position(self, at_true_ms: float) -> float:
        s = self.state
        at = at_true_ms + self.skew + self.offset
        if not s["isPlaying"] or at <= s["updatedAt"]:
            return s["currentTime"]
        return s["currentTime"] + (at - s["updatedAt"]) / 1000 * s["playbackRate"]

    def naive_position(self, at_true_ms: float) -> float:
        s, received = self.naive
        if not s["isPlaying"]:
            return s["currentTime"]
        return s["currentTime"] + (at_true_ms - received) / 1000 * s["playbackRate"]


def spread_ms(players, at: float, naive: bool = False) -> float:
    positions = [p.naive_position(at) if naive else p.position(at) for p in players]
    return (max(positions) - min(positions)) * 1000


def trial(url: str, tokens: list[str], rng: random.Random, jitter_ms: float, samples: int = 7) -> dict:
    players = [Player(url, tokens[i], delay_ms=i * 150 / 9, skew_ms=rng.uniform(-3000, 3000), jitter_ms=jitter_ms)
               for i in range(10)]
    try:
        admin = players[0]
        room = admin.call("create_room", {"name": "sync", "mediaId": "603", "mediaType": "movie"})["data"]
        for p in players[1:]:
            p.call("join_room", {"roomId": room["id"]})
        for p in players:
            p.align(samples)
            p.call("heartbeat", {"roomId": room["id"], "rttMs": int(p.best_rtt)})
        result = {}
        for label, action in (("play", {"type": "play"}), ("seek", {"type": "seek", "data": {"currentTime": 600}})):
            admin.call("playback_action", {"roomId": room["id"], "action": action})
            time.sleep(1.0)
            at = true_ms()
            result[label] = spread_ms(players, at)
            result[f"{label}_naive"] = spread_ms(players, at, naive=True)
        result["offset_error"] = max(abs(p.offset + p.skew) for p in players)  # vs the true server clock
        return result
    finally:
        for p in players:
            p.sio.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--jitter", type=float, default=20.0, help="extra random one-way delay per message, ms")
    parser.add_argument("--samples", type=int, default=7,
                        help="time_sync samples per player (the demo page takes 7 and keeps the least round trip)")
    args = parse_args(parser, {"trials": 1, "samples": 2})
    stack = Stack().start()
    rng = random.Random(7)
    try:
        results = [trial(stack.url, stack.tokens(10 * (n + 1))[10 * n:], rng, args.jitter, args.samples)
                   for n in range(args.trials)]
    finally:
        stack.stop()
    print(f"10 players, one-way delays 0-150 ms + 0-{args.jitter:.0f} ms jitter each way, clock skew up to +-3 s, "
          f"{args.trials} trials, {args.samples} time_sync samples per player")
    print(f"{'measure':<28} {'median ms':>10} {'max ms':>8}")
    for key, label in (("play", "spread 1 s after play"), ("seek", "spread 1 s after seek"),
                       ("play_naive", "naive: after play"), ("seek_naive", "naive: after seek"),
                       ("offset_error", "worst clock-offset error")):
        values = [r[key] for r in results]
        print(f"{label:<28} {statistics.median(values):>10.1f} {max(values):>8.1f}")
    print("goal: spread <= 100 ms  (p99 of all trials' spreads: "
          f"{percentile([r[k] for r in results for k in ('play', 'seek')], 99):.1f} ms)")


if __name__ == "__main__":
    main()
