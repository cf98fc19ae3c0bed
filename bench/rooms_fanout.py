"""Room fan-out: 1,000 websocket clients in 100 rooms of 10, admins sending playback actions.

Measures action -> delivery latency at every member (p50, p99) per offered rate, and the highest
rate whose p99 stays under 100 ms, for one Marquee web process and, in the same run, a minimal
Node socket.io 4 server doing the same broadcast. Run: ``.venv/bin/python bench/rooms_fanout.py``
(options: --clients, --size, --step, --rates; --smoke: 20 clients, one 1 s step at 20 actions/s).
Needs node and npm (bench/node is installed here).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from _rooms_stack import Stack, free_port
from common import parse_args

NODE_DIR = Path(__file__).resolve().parent / "node"


def install_node_deps() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        sys.exit("node and npm are needed for the load generator and the reference server")
    try:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=NODE_DIR, check=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        sys.exit(f"npm ci could not install bench/node's packages (it needs the npm registry or its cache): {error}")
    return node


def run_load(node: str, url: str, tokens_file: str, args) -> list[dict]:
    rooms = args.clients // args.size
    command = [node, str(NODE_DIR / "loadgen.mjs"), url, tokens_file, str(rooms), str(args.size), str(args.step),
               args.rates]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if "rate" in line]


def sustained(steps: list[dict], limit_ms: float = 100.0) -> float:
    """Highest achieved rate whose p99 stayed under the limit with (nearly) every delivery made."""
    good = [s["achieved"] for s in steps
            if s["p99"] is not None and s["p99"] <= limit_ms and s["delivered"] >= 0.99 * s["expected"]]
    return max(good, default=0.0)


def report(name: str, steps: list[dict]) -> None:
    print(f"\n{name}")
    print(f"{'offered/s':>10} {'achieved/s':>11} {'deliveries':>11} {'p50 ms':>8} {'p99 ms':>8}")
    for s in steps:
        print(f"{s['rate']:>10} {s['achieved']:>11} {s['delivered']:>5}/{s['expected']:<5} "
              f"{(s['p50'] or 0):>8.1f} {(s['p99'] or 0):>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--step", type=float, default=4.0, help="seconds per offered rate")
    parser.add_argument("--rates", default="20,50,100,200,400,800", help="total actions/s to offer, in order")
    parser.add_argument("--timeout", type=float, default=240, help="hard limit per server, seconds")
    args = parse_args(parser, {"clients": 20, "step": 1.0, "rates": "20", "timeout": 60.0})
    node = install_node_deps()

    stack = Stack({"ROOM_MAX_PARTICIPANTS": str(args.size), "WORKER_CONNECTIONS": str(args.clients + 500)}).start()
    try:
        with open(Path(stack.tmp.name) / "tokens.json", "w") as handle:  # removed with the stack
            json.dump(stack.tokens(args.clients), handle)
        ours = run_load(node, stack.url, handle.name, args)
    finally:
        stack.stop()

    port = free_port()
    reference = subprocess.Popen([node, str(NODE_DIR / "reference_server.js"), str(port)], stdout=subprocess.PIPE,
                                 text=True)
    try:
        reference.stdout.readline()  # "ready"
        theirs = run_load(node, f"http://127.0.0.1:{port}", "-", args)
    finally:
        reference.terminate()
        reference.wait(10)

    report(f"Marquee (gunicorn + gevent-websocket, 1 process), {args.clients} clients", ours)
    report(f"Node socket.io 4 reference, {args.clients} clients", theirs)
    ours_max, theirs_max = sustained(ours), sustained(theirs)
    base = ours[0] if ours else {}
    print(f"\nat {base.get('rate')} actions/s: p50 {base.get('p50', 0):.1f} ms, p99 {base.get('p99', 0):.1f} ms "
          f"(goal p99 <= 50 ms)")
    print(f"sustained actions/s with p99 <= 100 ms: Marquee {ours_max:.0f}, Node {theirs_max:.0f}, "
          f"ratio {ours_max / theirs_max if theirs_max else float('nan'):.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
