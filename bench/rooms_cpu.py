"""CPU time the Marquee web worker spends per room action, at a fixed offered rate.

Latency percentiles on a shared machine swing with whatever else runs; the worker's own CPU
time per action (user + system, from /proc) barely does, so before/after comparisons of the
hot path use this. Run: ``.venv/bin/python bench/rooms_cpu.py [--rate 100] [--seconds 12]
[--clients 1000] [--pyspy out.raw]`` (``--smoke``: 20 clients, 20 actions/s, 4 s) (Linux; the load
is bench/node/loadgen.mjs, as in rooms_fanout.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from _rooms_stack import Stack
from common import parse_args
from rooms_fanout import NODE_DIR, install_node_deps


def cpu_seconds(pid: str) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=100, help="actions/s, across the rooms (of 10 clients each)")
    parser.add_argument("--seconds", type=float, default=12, help="load time; seconds - 3 of it are measured")
    parser.add_argument("--clients", type=int, default=1000, help="websocket clients, in rooms of 10")
    parser.add_argument("--pyspy", help="also record a py-spy raw profile of the worker to this file")
    args = parse_args(parser, {"rate": 20, "seconds": 4.0, "clients": 20})
    if args.seconds <= 3:
        parser.error("--seconds must be more than 3 (1 s to settle and 2 s at the end are not measured)")
    node = install_node_deps()
    stack = Stack({"ROOM_MAX_PARTICIPANTS": "10", "WORKER_CONNECTIONS": str(args.clients + 500)}).start()
    try:
        with open(Path(stack.tmp.name) / "tokens.json", "w") as handle:  # removed with the stack
            json.dump(stack.tokens(args.clients), handle)
        load = subprocess.Popen([node, str(NODE_DIR / "loadgen.mjs"), stack.url, handle.name, str(args.clients // 10),
                                 "10", str(args.seconds), str(args.rate)], stdout=subprocess.PIPE, text=True)
        while "ready" not in (line := load.stdout.readline()):
            if not line:  # the load generator exited before its clients were ready (its error is on stderr)
                raise RuntimeError(f"load generator exited with {load.wait()}")
        worker = subprocess.run(["pgrep", "-P", str(stack.process.pid)], capture_output=True,
                                text=True).stdout.split()[0]
        time.sleep(1)
        window = args.seconds - 3
        cpu0, t0 = cpu_seconds(worker), time.monotonic()
        if args.pyspy and shutil.which("py-spy"):
            subprocess.run(["py-spy", "record", "-p", worker, "-f", "raw", "-d", str(int(window)), "-o", args.pyspy,
                            "--nonblocking"], capture_output=True)
        else:
            time.sleep(window)
        cpu1, t1 = cpu_seconds(worker), time.monotonic()
        step = load.stdout.read().strip()
        load.wait()
        print(step)
        print(f"worker CPU {(cpu1 - cpu0) / (t1 - t0):.2f} cores, "
              f"{(cpu1 - cpu0) / ((t1 - t0) * args.rate) * 1000:.2f} ms per action")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
