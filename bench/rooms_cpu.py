"""CPU time the Marquee web worker spends per room action, at a fixed offered rate.

Latency percentiles on a shared machine swing with whatever else runs; the worker's own CPU
time per action (user + system, from /proc) barely does, so before/after comparisons of the
hot path use this. Run: ``.venv/bin/python bench/rooms_cpu.py [--rate 100] [--seconds 12]
[--pyspy out.raw]`` (Linux; the load is bench/node/loadgen.mjs, as in rooms_fanout.py).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

from _rooms_stack import Stack
from rooms_fanout import NODE_DIR, install_node_deps


def cpu_seconds(pid: str) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=100, help="actions/s, across 100 rooms of 10")
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--pyspy", help="also record a py-spy raw profile of the worker to this file")
    args = parser.parse_args()
    node = install_node_deps()
    stack = Stack({"ROOM_MAX_PARTICIPANTS": "10", "WORKER_CONNECTIONS": "1500"}).start()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(stack.tokens(1000), handle)
        load = subprocess.Popen([node, str(NODE_DIR / "loadgen.mjs"), stack.url, handle.name, "100", "10",
                                 str(args.seconds), str(args.rate)], stdout=subprocess.PIPE, text=True)
        while "ready" not in load.stdout.readline():
            pass
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
