"""Torrent streaming: time to first byte and seek latency, Marquee against peerflix and a bare
libtorrent client, on one local swarm in the same run.

One seeder on 127.0.0.1 (libtorrent, DHT/LSD/UPnP/NAT-PMP off) capped at ``--rate`` MB/s for
every peer, loopback included. Each trial gives each client a torrent it has never seen (the same
bytes under a new name: a new info-hash), as a magnet whose ``x.pe`` names the seeder:

- Marquee: the real stack (web process, a ``torrents`` worker, one streamer, Redis, SQLite).
  TTFB is from ``POST /api/v1/torrents/stream`` to the first byte of ``GET streamUrl`` (Range
  from 0), split into phases: request -> task and task -> metadata are the server's ``queue``
  and ``metadata`` (``Server-Timing``), metadata -> streamer the rest of the POST (storing, the
  reply, the hand-over, the round trip), streamer -> first verified piece the bytes' ``piece``,
  and first piece -> first byte out the rest of the GET;
- peerflix (npm, bench/peerflix), started with the magnet and ``-e 127.0.0.1:PORT`` (DHT and
  trackers off): from its start to the first byte of its HTTP answer;
- bare libtorrent (the bound): a session in this process adds the magnet with the peer,
  sequential order and a deadline on the first piece, and reads it.

Then, as a browser playing an MP4 whose index is at the end does: a Range read of the ``moov``
(the last 256 KiB), and a seek, a Range read 80 % into the file; each timed to its first byte.
Every byte
read is compared with the source: "unverified" counts bytes that differ (zeros of a piece not yet
downloaded would). Run: ``.venv/bin/python bench/torrent_stream.py`` (--size-mib, --piece-kib,
--rate, --trials; --smoke: 8 MiB, 256 KiB pieces, one trial). Needs node and npm for peerflix;
without them its row says why.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import libtorrent as lt
import requests

from common import ROOT, make_app, migrate, parse_args
from config.redis_server import free_port, start_redis

PEERFLIX_DIR = Path(__file__).resolve().parent / "peerflix"
READ_BYTES = 64 * 1024  # what each timed read takes (and checks)
MOOV_BYTES = 256 * 1024  # the index at the end of the file
SERVICE_KEY = "bench-internal-key-" + "k" * 24
LOCAL_ONLY = {"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
              "allow_multiple_connections_per_ip": True, "alert_mask": 0}
PHASES = ("queue", "metadata", "streamer", "piece", "out")
PHASE_LABELS = {"queue": "request -> task", "metadata": "task -> metadata", "streamer": "metadata -> streamer",
                "piece": "streamer -> first verified piece", "out": "first piece -> first byte out"}


# -- the swarm ----------------------------------------------------------------------------------
def mp4_like(size: int) -> bytes:
    """A file laid out as a progressive-download MP4 is when its moov atom is at the end: ftyp,
    one big mdat, moov. Random payloads: a zero byte served where data belongs shows."""
    moov = MOOV_BYTES
    ftyp = (24).to_bytes(4, "big") + b"ftypisom" + b"\0\0\2\0" + b"isomiso2"
    mdat_size = size - len(ftyp) - moov
    mdat = mdat_size.to_bytes(4, "big") + b"mdat" + os.urandom(mdat_size - 8)
    return ftyp + mdat + moov.to_bytes(4, "big") + b"moov" + os.urandom(moov - 8)


class Swarm:
    """One seeding session; every torrent is the same bytes under its own name, hard-linked."""

    def __init__(self, data: bytes, piece_length: int, rate: int) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="marquee-bench-swarm-"))
        self.source = self.directory / "source.bin"
        self.source.write_bytes(data)
        self.data = data
        self.piece_length = piece_length
        self.pieces = b"".join(hashlib.sha1(data[i:i + piece_length]).digest()
                               for i in range(0, len(data), piece_length))
        self.session = lt.session({**LOCAL_ONLY, "listen_interfaces": "127.0.0.1:0", "tick_interval": 100,
                                   "upload_rate_limit": rate})
        # peers on 127.0.0.1 are in the local class, which the session's limit skips
        local = self.session.get_peer_class(self.session.local_peer_class_id)
        local["upload_limit"] = rate
        self.session.set_peer_class(self.session.local_peer_class_id, local)
        self.count = 0

    @property
    def port(self) -> int:
        deadline = time.monotonic() + 5
        while not self.session.listen_port() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.session.listen_port()

    def new_torrent(self, tag: str) -> str:
        """A magnet for a torrent nobody has seen yet."""
        self.count += 1
        name = f"Bench.{tag}.{self.count}.{os.getpid()}.mp4"
        root = self.directory / f"t{self.count}"
        root.mkdir()
        os.link(self.source, root / name)
        info = {b"name": name.encode(), b"piece length": self.piece_length, b"pieces": self.pieces,
                b"length": len(self.data)}
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(lt.bencode({b"info": info}))
        params.save_path = str(root)
        params.flags |= lt.torrent_flags.seed_mode
        params.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        self.session.add_torrent(params)
        info_hash = hashlib.sha1(lt.bencode(info)).hexdigest()
        return f"magnet:?xt=urn:btih:{info_hash}&dn={name}&x.pe=127.0.0.1:{self.port}"

    def close(self) -> None:
        del self.session
        shutil.rmtree(self.directory, ignore_errors=True)


# -- measuring a read ---------------------------------------------------------------------------
@dataclass
class Trial:
    ttfb: float = float("nan")
    index: float = float("nan")
    seek: float = float("nan")
    checked: int = 0
    unverified: int = 0
    phases: dict = field(default_factory=dict)
    error: str | None = None


def differing(data: bytes, expected: bytes) -> int:
    if data == expected:
        return 0
    return sum(a != b for a, b in zip(data, expected)) + abs(len(data) - len(expected))


def timed_read(url: str, start: int, source: bytes, trial: Trial, timeout: float = 60) -> tuple[float, dict]:
    """GET ``url`` from byte ``start``: seconds to the first byte, the answer's Server-Timing;
    the bytes read are checked against the source."""
    asked = time.perf_counter()
    with requests.get(url, headers={"Range": f"bytes={start}-{start + READ_BYTES - 1}"}, stream=True,
                      timeout=timeout) as answer:
        if answer.status_code not in (200, 206):
            raise RuntimeError(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
        chunks = answer.iter_content(chunk_size=None)
        first = next(chunks, b"")
        took = time.perf_counter() - asked
        data = first + b"".join(chunks)
        timing = server_timing(answer.headers.get("Server-Timing", ""))
    expected = source[start:start + READ_BYTES]
    if len(data) < len(expected):  # a cut answer: the read waited past its bound, the run is broken
        raise RuntimeError(f"GET {url} from {start} gave {len(data)} of {len(expected)} bytes")
    trial.checked += len(data)
    trial.unverified += differing(data[:len(expected)], expected)
    return took, timing


def server_timing(header: str) -> dict:
    phases = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        name, _, duration = part.partition(";dur=")
        if duration:
            phases[name] = float(duration) / 1000
    return phases


# -- Marquee ------------------------------------------------------------------------------------
class MarqueeStack:
    """Redis, a migrated SQLite file, one streamer, the web process routing to it, a torrents worker."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="marquee-bench-torrents-"))
        self.redis = start_redis()
        self.web_port, self.streamer_port = free_port(), free_port()
        self.env = {"DATABASE_URL": f"sqlite:///{self.tmp}/bench.db", "REDIS_URL": self.redis.url,
                    "SECRET_KEY": "bench-secret-key-" + "t" * 32, "INTERNAL_API_KEY": SERVICE_KEY,
                    "STORAGE_DIR": str(self.tmp / "storage"), "RATE_LIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING",
                    "GRACEFUL_TIMEOUT": "3", "TORRENT_LISTEN_INTERFACES": "127.0.0.1:0", "TORRENT_DHT": "false",
                    "TORRENT_LSD": "false", "TORRENT_UPNP": "false", "TORRENT_NATPMP": "false",
                    "TORRENT_METADATA_TIMEOUT": "30", "TORRENT_READ_WAIT": "30",
                    "STREAMERS": f"http://127.0.0.1:{self.streamer_port}"}
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _spawn(self, name: str, args: list[str], env: dict) -> None:
        log = open(self.tmp / f"{name}.log", "wb")
        self.processes.append(subprocess.Popen(args, cwd=ROOT, env={**os.environ, **self.env, **env}, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True))

    def start(self) -> "MarqueeStack":
        flask_app = make_app(self.env["DATABASE_URL"], self.redis.url, SECRET_KEY=self.env["SECRET_KEY"],
                             STORAGE_DIR=self.env["STORAGE_DIR"])
        migrate(flask_app)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self._spawn("streamer", [gunicorn, "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{self.streamer_port}",
                                 "wsgi:app"], {"PROCESS_ROLE": "streamer", "PORT": str(self.streamer_port),
                                               "TORRENT_DOWNLOAD_DIR": str(self.tmp / "streamer")})
        self._spawn("web", [gunicorn, "-c", "config/gunicorn.py", "--bind", f"127.0.0.1:{self.web_port}", "wsgi:app"],
                    {"PORT": str(self.web_port), "TORRENT_DOWNLOAD_DIR": str(self.tmp / "web")})
        worker = f"bench-torrents-{os.getpid()}@localhost"
        self._spawn("worker", [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "-Q", "torrents",
                               "--concurrency=1", "-n", worker, "--without-gossip", "--without-mingle",
                               "--loglevel=WARNING"], {})
        for port in (self.streamer_port, self.web_port):
            wait_for_port(port, 60, self.processes)
        celery = flask_app.extensions["celery"]
        deadline = time.monotonic() + 60
        while not celery.control.ping(destination=[worker], timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit(f"the torrents worker did not start:\n{self.output('worker')}")
        return self

    def output(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]

    def trial(self, magnet: str, source: bytes) -> Trial:
        trial = Trial()
        headers = {"x-internal-key": SERVICE_KEY}
        asked = time.perf_counter()
        answer = requests.post(f"{self.url}/api/v1/torrents/stream", json={"magnet": magnet}, headers=headers,
                               timeout=90)
        posted = time.perf_counter() - asked
        if answer.status_code != 200:
            raise RuntimeError(f"POST /stream answered {answer.status_code}: {answer.text[:300]}")
        ready = answer.json()["data"]
        phases = server_timing(answer.headers.get("Server-Timing", ""))
        read_started = time.perf_counter() - asked
        first, bytes_timing = timed_read(ready["streamUrl"], 0, source, trial)
        trial.ttfb = read_started + first
        trial.phases = {"queue": phases.get("queue", 0.0), "metadata": phases.get("metadata", 0.0)}
        trial.phases["streamer"] = posted - trial.phases["queue"] - trial.phases["metadata"]
        trial.phases["piece"] = bytes_timing.get("piece", 0.0)
        trial.phases["out"] = trial.ttfb - posted - trial.phases["piece"]
        trial.index, _ = timed_read(ready["streamUrl"], len(source) - MOOV_BYTES, source, trial)
        trial.seek, _ = timed_read(ready["streamUrl"], int(len(source) * 0.8), source, trial)
        requests.delete(f"{self.url}/api/v1/torrents/stream/{ready['infoHash']}", headers=headers, timeout=30)
        return trial

    def stop(self) -> None:
        """Every process group (gunicorn's and celery's children too), Redis, the files."""
        for process in self.processes:
            signal_group(process, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                pass
            signal_group(process, signal.SIGKILL)
        self.redis.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # the whole group is gone
        pass


def wait_for_port(port: int, timeout: float, processes: list[subprocess.Popen] = ()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a process exited while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"nothing listened on port {port} within {timeout:.0f} s")


# -- peerflix -----------------------------------------------------------------------------------
def install_peerflix() -> tuple[list[str] | None, str]:
    """The command that runs peerflix, or None and why not."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "node and npm are not installed"
    try:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=PEERFLIX_DIR, check=True, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None, "npm ci could not install bench/peerflix (it needs the npm registry or its cache)"
    version = subprocess.run([node, "-p", "require('./node_modules/peerflix/package.json').version"],
                             cwd=PEERFLIX_DIR, capture_output=True, text=True).stdout.strip()
    return [node, str(PEERFLIX_DIR / "node_modules" / "peerflix" / "app.js")], f"peerflix {version}"


def peerflix_trial(command: list[str], magnet: str, seeder_port: int, source: bytes) -> Trial:
    trial = Trial()
    port = free_port()
    work = tempfile.mkdtemp(prefix="marquee-bench-peerflix-")
    asked = time.perf_counter()
    process = subprocess.Popen([*command, magnet, "-e", f"127.0.0.1:{seeder_port}", "-p", str(port), "-f", work,
                                "-h", "127.0.0.1", "-q", "--no-dht", "--no-tracker"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, 60, [process])  # peerflix listens once it has the metadata
        url = f"http://127.0.0.1:{port}/"
        read_started = time.perf_counter() - asked
        first, _ = timed_read(url, 0, source, trial)
        trial.ttfb = read_started + first
        trial.index, _ = timed_read(url, len(source) - MOOV_BYTES, source, trial)
        trial.seek, _ = timed_read(url, int(len(source) * 0.8), source, trial)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        shutil.rmtree(work, ignore_errors=True)
    return trial


def node_start_seconds(command: list[str]) -> float:
    """What starting node itself costs (part of peerflix's TTFB, none of ours)."""
    started = time.perf_counter()
    subprocess.run([command[0], "-e", "0"], check=True)
    return time.perf_counter() - started


# -- bare libtorrent ----------------------------------------------------------------------------
def bare_trial(magnet: str, source: bytes) -> Trial:
    """The bound: add the magnet, sequential order and a deadline on the first piece, read it;
    then a deadline on the piece 80 % in, read it."""
    trial = Trial()
    work = tempfile.mkdtemp(prefix="marquee-bench-bare-")
    asked = time.perf_counter()
    session = lt.session({**LOCAL_ONLY, "listen_interfaces": "127.0.0.1:0", "tick_interval": 100,
                          "alert_mask": lt.alert_category.status | lt.alert_category.error})
    try:
        params = lt.parse_magnet_uri(magnet)
        params.save_path = work
        params.flags |= lt.torrent_flags.sequential_download
        handle = session.add_torrent(params)
        deadline = time.monotonic() + 60
        while not handle.status().has_metadata:
            if time.monotonic() > deadline:
                raise RuntimeError("the bare client got no metadata within 60 s")
            time.sleep(0.005)
        piece_length = handle.torrent_file().piece_length()
        data = read_piece(session, handle, 0)
        trial.ttfb = time.perf_counter() - asked
        check_piece(trial, data, 0, piece_length, source)
        piece = (len(source) - MOOV_BYTES) // piece_length
        asked = time.perf_counter()
        data = read_piece(session, handle, piece)
        trial.index = time.perf_counter() - asked
        check_piece(trial, data, piece, piece_length, source)
        piece = int(len(source) * 0.8) // piece_length
        asked = time.perf_counter()
        data = read_piece(session, handle, piece)
        trial.seek = time.perf_counter() - asked
        check_piece(trial, data, piece, piece_length, source)
        session.remove_torrent(handle, lt.session.delete_files)
    finally:
        del session
        shutil.rmtree(work, ignore_errors=True)
    return trial


def read_piece(session: lt.session, handle: lt.torrent_handle, piece: int, timeout: float = 60) -> bytes:
    handle.set_piece_deadline(piece, 0, lt.deadline_flags_t.alert_when_available)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.wait_for_alert(100)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.read_piece_alert) and alert.piece == piece:
                return bytes(alert.buffer)
    raise RuntimeError(f"piece {piece} did not arrive within {timeout:.0f} s")


def check_piece(trial: Trial, data: bytes, piece: int, piece_length: int, source: bytes) -> None:
    expected = source[piece * piece_length:(piece + 1) * piece_length]
    trial.checked += len(data)
    trial.unverified += differing(data, expected)


# -- the run ------------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}x" if theirs == theirs and mine == mine and theirs > 0 else "n/a"


def row(label: str, trials: list[Trial]) -> str:
    if not trials:
        return f"{label:34}{'n/a':>9}{'n/a':>9}{'n/a':>9}{0:>12}{0:>12}"
    return (f"{label:34}{median([t.ttfb for t in trials]):9.3f}{median([t.index for t in trials]):9.3f}"
            f"{median([t.seek for t in trials]):9.3f}"
            f"{sum(t.checked for t in trials):12d}{sum(t.unverified for t in trials):12d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=96, help="the video file's size")
    parser.add_argument("--piece-kib", type=int, default=1024, help="the torrent's piece length")
    parser.add_argument("--rate", type=float, default=4.0, help="the seeder's upload cap, MB/s (10^6 bytes)")
    parser.add_argument("--trials", type=int, default=5, help="trials per client; medians are shown")
    args = parse_args(parser, {"size_mib": 8, "piece_kib": 256, "trials": 1})
    rate = int(args.rate * 1_000_000)
    source = mp4_like(args.size_mib * 1024 * 1024)
    peerflix, peerflix_label = install_peerflix()
    results: dict[str, list[Trial]] = {"marquee": [], "peerflix": [], "bare": []}
    swarm = stack = None
    try:
        swarm = Swarm(source, args.piece_kib * 1024, rate)
        stack = MarqueeStack()
        stack.start()
        for _ in range(args.trials):  # the clients take turns, so a noisy moment hits all of them
            results["marquee"].append(stack.trial(swarm.new_torrent("marquee"), source))
            if peerflix:
                results["peerflix"].append(peerflix_trial(peerflix, swarm.new_torrent("peerflix"), swarm.port, source))
            results["bare"].append(bare_trial(swarm.new_torrent("bare"), source))
        node_seconds = node_start_seconds(peerflix) if peerflix else float("nan")
    finally:
        if stack is not None:
            stack.stop()
        if swarm is not None:
            swarm.close()

    print(f"torrent stream: {args.size_mib} MiB MP4 (moov at the end), {args.piece_kib} KiB pieces, one seeder on "
          f"127.0.0.1 capped at {args.rate:g} MB/s; {args.trials} trials per client, medians; "
          f"libtorrent {lt.__version__}")
    print(f"{'client':34}{'TTFB s':>9}{'index s':>9}{'seek s':>9}{'bytes read':>12}{'unverified':>12}")
    print(row("Marquee (web, worker, streamer)", results["marquee"]))
    print(row(peerflix_label if peerflix else f"peerflix: n/a ({peerflix_label})", results["peerflix"]))
    print(row("bare libtorrent (bound)", results["bare"]))
    print("Marquee TTFB phases, median s: " + ", ".join(
        f"{PHASE_LABELS[name]} {median([t.phases[name] for t in results['marquee']]):.3f}" for name in PHASES))
    ours, theirs, bare = (results[name] for name in ("marquee", "peerflix", "bare"))
    ttfb, seek, index = (median([getattr(t, name) for t in ours]) for name in ("ttfb", "seek", "index"))
    print(f"TTFB Marquee/peerflix {ratio(ttfb, median([t.ttfb for t in theirs]))} (goal <= 1), "
          f"Marquee/bare {ratio(ttfb, median([t.ttfb for t in bare]))}; "
          f"peerflix's includes node start-up {node_seconds:.3f} s")
    print(f"seek Marquee/peerflix {ratio(seek, median([t.seek for t in theirs]))} (goal <= 1), "
          f"Marquee/bare {ratio(seek, median([t.seek for t in bare]))}; Marquee seek {seek:.3f} s (goal < 1 s)")
    print(f"index (moov at the end, after the head) Marquee/peerflix "
          f"{ratio(index, median([t.index for t in theirs]))}, Marquee/bare {ratio(index, median([t.index for t in bare]))}")
    unverified = sum(t.unverified for t in ours)
    print(f"physical bound: one piece at the cap {args.piece_kib * 1024 / rate:.3f} s; "
          f"unverified bytes Marquee served: {unverified} (goal 0)")


if __name__ == "__main__":
    main()
