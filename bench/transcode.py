"""Transcoding benchmark (issue 18): the one-pass HLS ladder against separate runs per rung, the
worker's whole job against its bare ffmpeg command, the time until a title first plays against the
time until its whole ladder is ready, and the realtime factor.

    .venv/bin/python bench/transcode.py        # 60 s 1920x1080 30 fps clip, default ladder, veryfast, 3 rounds
    .venv/bin/python bench/transcode.py --smoke   # 13 s 320x180 clip, 180:300k,120:150k, ultrafast, 1 round

The clip (testsrc2 + a 440 Hz sine, x264 veryfast + AAC, MP4) is made by the project's own ffmpeg
(``app.media.ffmpeg.ffmpeg_binary``) in a temporary directory. Every round runs, on that clip:

- decode only: ``ffmpeg -i clip -f null -`` (what each separate run pays again);
- the one pass: ``app.media.ladder.ladder_command`` for every rung, as the worker builds it;
- separate runs: the same command with one rung at a time (one decode + one encode per rung,
  same settings, same HLS outputs), as PeerTube and MediaCMS transcode;
- the worker's job: a movie created through the catalog service, the clip stored through
  ``store_upload`` + ``attach`` (the job is queued to a private Redis no worker reads), then
  ``app.media.transcode.run_job`` in this process inside an app context, as the Celery task
  runs it (claim, probe, the ffmpeg pass with its poster and thumbnail outputs, progress and
  heartbeats, publish, commit), against the bare one pass without poster and thumbnails.

Then, once: fast start. A real Celery worker (one, on the ``media`` queue) transcodes the clip on
the chunked path (``--chunk-seconds``); the job row's ``first_playable_at`` and ``finished_at``,
both counted from the upload, give the ratio.

Rounds alternate the order (one pass, job, separate / separate, job, one pass), so the job always
runs next to the one pass it is compared with; figures are medians over rounds. Every ffmpeg run
uses ffmpeg's default thread count, as the worker does. Each run is bounded by ``--run-timeout``.
Beside wall time, CPU time (user + system of the ffmpeg processes, plus this process's during the
job) is shown: on a shared machine it moves far less with other people's load than wall time.
The app runs on a temporary SQLite file and a private Redis (config/redis_server.py).
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from common import make_app, migrate, parse_args

CLIP_RATE = 30


class Sample(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds of the ffmpeg processes (and, for the job, of this process)


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class RunTimeout(BaseException):
    """A run went over --run-timeout (a BaseException, so the job's own handlers do not swallow it)."""


def ffmpeg_version(ffmpeg: str) -> str:
    first = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
    match = re.match(r"ffmpeg version (\S+)", first)
    return match[1].split("-")[0] if match else "unknown"


def make_clip(ffmpeg: str, path: Path, seconds: float, size: str, rate: int, timeout: float) -> None:
    """The source: test pattern and tone, x264 veryfast + AAC in MP4 (moov first), as uploaded."""
    subprocess.run([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path)],
                   check=True, timeout=timeout, stdin=subprocess.DEVNULL)


def timed_run(argv: list[str], timeout: float) -> Sample:
    """Run an ffmpeg command by hand (progress to /dev/null): its wall time and its CPU time."""
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            timeout=timeout)
    elapsed = Sample(time.perf_counter() - started, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu)
    if result.returncode != 0:
        raise SystemExit(f"ffmpeg exited {result.returncode}: {' '.join(argv)}\n"
                         f"{result.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def check_ladder(out_dir: Path, names: list[str]) -> None:
    """Every rung's playlist is complete: the outputs compared are the same, and whole."""
    for name in names:
        playlist = out_dir / name / "index.m3u8"
        if not playlist.is_file() or "#EXT-X-ENDLIST" not in playlist.read_text():
            raise SystemExit(f"{playlist} is missing or incomplete")
    if not (out_dir / "master.m3u8").is_file():
        raise SystemExit(f"no master playlist in {out_dir}")


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def normalised(argv: list[str], source: str, out_dir: str) -> list[str]:
    return [arg.replace(source, "<source>").replace(out_dir, "<out>") for arg in argv]


class Worker:
    """The app, and one job per round run by ``run_job`` as the media worker runs it."""

    def __init__(self, flask_app, clip: Path, run_timeout: float) -> None:
        import app.media.transcode as transcode

        self.app, self.clip, self.run_timeout = flask_app, clip, run_timeout
        self.transcode = transcode
        self.calls: list[tuple[list[str], Sample]] = []  # what the job handed to ffmpeg.run, and its cost
        original = transcode.run

        def recorded(argv, *args, **kwargs):
            cpu = cpu_seconds(resource.RUSAGE_CHILDREN)  # ffmpeg.run waits for its process: counted here
            started = time.perf_counter()
            try:
                return original(argv, *args, **kwargs)
            finally:
                self.calls.append((list(argv), Sample(time.perf_counter() - started,
                                                      cpu_seconds(resource.RUSAGE_CHILDREN) - cpu)))

        transcode.run = recorded

    def queue_job(self, number: int) -> int:
        return self.queue(self.app, self.clip, f"Bench Transcode {number}")

    @staticmethod
    def queue(flask_app, clip: Path, title: str) -> int:
        """A new movie with the clip as its upload: a first transcode, nothing earlier to replace."""
        from app.catalog import service as catalog
        from app.media import uploads

        with flask_app.app_context():
            content = catalog.create_content({"kind": "movie", "title": title, "maturity_rating": "PG",
                                              "runtime_minutes": 1, "status": "published", "tier_required": "free"})
            with open(clip, "rb") as stream:
                key, size, info = uploads.store_upload(stream)
            return uploads.attach(content["id"], None, key, size, info, clip.name)["id"]

    def run(self, job_id: int) -> tuple[Sample, list[str], Sample, str]:
        """Time the job; returns (its cost, the ffmpeg argv it ran, that run's cost, its scratch out dir).
        The job's CPU is its ffmpeg process's plus this process's (claim, probe, heartbeats, publish)."""
        self.calls.clear()

        def expire(signum, frame):
            raise RunTimeout()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, self.run_timeout)
        try:
            cpu = cpu_seconds(resource.RUSAGE_CHILDREN) + cpu_seconds(resource.RUSAGE_SELF)
            started = time.perf_counter()
            with self.app.app_context():  # what the Celery task does around run_job
                state = self.transcode.run_job(job_id)
            elapsed = Sample(time.perf_counter() - started,
                             cpu_seconds(resource.RUSAGE_CHILDREN) + cpu_seconds(resource.RUSAGE_SELF) - cpu)
        except RunTimeout:
            raise SystemExit(f"the worker's job {job_id} took more than {self.run_timeout:.0f} s") from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if state != "ready":
            with self.app.app_context():
                from app.media import jobs

                job = jobs.get_job(job_id)
                raise SystemExit(f"job {job_id} ended {state}: {job.error_code} {job.error} {job.error_tail}")
        if len(self.calls) != 1:
            raise SystemExit(f"the job ran ffmpeg {len(self.calls)} times; this benchmark compares one pass")
        argv, ffmpeg_cost = self.calls[0]
        out_dir = next(arg for arg in argv if arg.endswith("/%v/index.m3u8")).rsplit("/%v/", 1)[0]
        return elapsed, argv, ffmpeg_cost, out_dir

    def check_published(self, job_id: int, names: list[str]) -> None:
        """The job published the whole ladder; its files are then removed (disk, not timing)."""
        from app.extensions import db
        from app.media import jobs
        from app.media.models import MediaAsset
        from app.media.store import storage

        with self.app.app_context():
            job = jobs.get_job(job_id)
            asset = db.session.get(MediaAsset, job.asset_id)
            root = storage().path(asset.published_prefix)
            check_ladder(root, names)
            if list(job.rungs_live or []) != names:
                raise SystemExit(f"job {job_id} went live with {job.rungs_live}, expected {names}")
            storage().delete_prefix(asset.published_prefix)


def fast_start(flask_app, clip: Path, chunk_seconds: float, run_timeout: float) -> tuple[float, float, int]:
    """One real media worker transcodes the clip on the chunked path: seconds from the upload until
    the title first plays, and until its whole ladder is ready, and how many chunks it was cut in."""
    import celery_app  # noqa: F401  (the worker below runs the same Celery app)
    from app.extensions import db
    from app.media import jobs
    from app.media.models import TranscodeJob

    root = Path(__file__).resolve().parent.parent
    name = f"bench-transcode-{os.getpid()}@localhost"
    env = {**os.environ, "MEDIA_CHUNK_SECONDS": f"{chunk_seconds:g}"}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_app", "worker", "-Q", "media",
                               "--pool=threads", "--concurrency=1", "-n", name, "--without-gossip", "--without-mingle",
                               "--loglevel=WARNING"], cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        celery = flask_app.extensions["celery"]
        deadline = time.monotonic() + 60
        while not celery.control.ping(destination=[name], timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("the fast-start worker did not start")
        job_id = Worker.queue(flask_app, clip, "Bench Fast Start")
        deadline = time.monotonic() + run_timeout
        while True:
            with flask_app.app_context():
                job = db.session.get(TranscodeJob, job_id)
                if job.state in ("ready", "failed", "cancelled"):
                    if job.state != "ready" or not job.plan:
                        raise SystemExit(f"the fast-start job ended {job.state} ({job.error_code}) or was not chunked")
                    created = job.created_at
                    return ((job.first_playable_at - created).total_seconds(),
                            (job.finished_at - created).total_seconds(), len(job.plan["chunks"]))
                jobs.get_job(job_id)
            if time.monotonic() > deadline:
                raise SystemExit(f"the fast-start job took more than {run_timeout:.0f} s")
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def median(values: list[float]) -> float:
    return statistics.median(values)


def row(label: str, samples: list[Sample], field: str) -> str:
    values = [getattr(sample, field) for sample in samples]
    cells = "".join(f"{value:9.2f}s" for value in values)
    return f"{label:34}{cells}  median {median(values):8.2f}s"


def main() -> None:
    from app.media.ladder import DEFAULT_LADDER

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="clip length")
    parser.add_argument("--size", default="1920x1080", help="clip picture size")
    parser.add_argument("--ladder", default=DEFAULT_LADDER, help="MEDIA_LADDER for every run")
    parser.add_argument("--preset", default="veryfast", help="MEDIA_X264_PRESET for every run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chunk-seconds", type=float, default=12, help="MEDIA_CHUNK_SECONDS of the fast-start run")
    parser.add_argument("--run-timeout", type=float, default=900, help="seconds any one ffmpeg run or job may take")
    args = parse_args(parser, {"seconds": 13, "size": "320x180", "ladder": "180:300k,120:150k",
                               "preset": "ultrafast", "rounds": 1, "run_timeout": 60, "chunk_seconds": 6})
    if not 1 <= args.rounds <= 20 or not 1 <= args.seconds <= 3600:
        parser.error("--rounds must be 1-20 and --seconds 1-3600")

    from config.redis_server import start_redis

    from app.media.ffmpeg import ffmpeg_binary
    from app.media.ladder import Encoding, ladder_command, parse_ladder, renditions_for
    from app.media.probe import probe

    ffmpeg = ffmpeg_binary()
    load_before = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="marquee-bench-transcode-"))
    redis_server = start_redis()
    try:
        clip = root / "clip.mp4"
        make_clip(ffmpeg, clip, args.seconds, args.size, CLIP_RATE, timeout=max(120.0, args.run_timeout))
        app = make_app(f"sqlite:///{root}/bench.db", redis_server.url, STORAGE_DIR=str(root / "storage"),
                       MEDIA_LADDER=args.ladder, MEDIA_X264_PRESET=args.preset, FFMPEG_BINARY=ffmpeg,
                       MEDIA_CHUNK_SECONDS="0")  # the rounds compare one pass; fast start has its own run
        migrate(app)
        config = app.config
        info = probe(str(clip))
        renditions = renditions_for(info.width, info.height, parse_ladder(config["MEDIA_LADDER"]),
                                    config["MEDIA_AUDIO_KBPS"])
        names = [r.name for r in renditions]
        encoding = Encoding(preset=config["MEDIA_X264_PRESET"], segment_seconds=config["MEDIA_SEGMENT_SECONDS"],
                            keyframe_seconds=config["MEDIA_KEYFRAME_SECONDS"])
        out = root / "bare"
        one_pass = ladder_command(ffmpeg, str(clip), str(out), renditions, info.has_audio, encoding)
        separate = [ladder_command(ffmpeg, str(clip), str(out), [r], info.has_audio, encoding) for r in renditions]
        from app.media.transcode import poster_time, thumbnail_spec

        with_artwork = ladder_command(ffmpeg, str(clip), str(out), renditions, info.has_audio, encoding,
                                      poster_at=poster_time(info.duration), thumbnails=thumbnail_spec(info, config))
        decode = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(clip), "-f", "null", "-"]
        worker = Worker(app, clip, args.run_timeout)

        print(f"clip: {args.seconds:g} s {info.width}x{info.height} {CLIP_RATE} fps testsrc2 + sine "
              f"(x264 veryfast, aac); ladder {args.ladder}, preset {args.preset}; {args.rounds} rounds, medians; "
              f"ffmpeg {ffmpeg_version(ffmpeg)}, default threads; {os.cpu_count()} CPUs", flush=True)

        times: dict[str, list[Sample]] = {key: [] for key in ("decode", "one", "separate", "job", "job_ffmpeg",
                                                               *(f"alone {n}" for n in names))}

        def run_one_pass() -> None:
            fresh_dir(out)
            times["one"].append(timed_run(one_pass, args.run_timeout))
            check_ladder(out, names)

        def run_separate() -> None:
            fresh_dir(out)
            runs = []
            for name, argv in zip(names, separate):
                runs.append(timed_run(argv, args.run_timeout))
                times[f"alone {name}"].append(runs[-1])
            times["separate"].append(Sample(sum(run.wall for run in runs), sum(run.cpu for run in runs)))
            check_ladder(out, names)

        def run_job(number: int) -> None:
            job_id = worker.queue_job(number)
            cost, argv, ffmpeg_cost, job_out = worker.run(job_id)
            expected = normalised(with_artwork, str(clip), str(out))
            if normalised(argv, argv[argv.index("-i") + 1], job_out) != expected:
                raise SystemExit(f"the job's ffmpeg command is not the one pass with its artwork:\n{argv}\n"
                                 f"{with_artwork}")
            times["job"].append(cost)
            times["job_ffmpeg"].append(ffmpeg_cost)
            worker.check_published(job_id, names)

        for number in range(args.rounds):
            times["decode"].append(timed_run(decode, args.run_timeout))
            order = [run_one_pass, lambda: run_job(number), run_separate]
            for step in order if number % 2 == 0 else reversed(order):
                step()
        shutil.rmtree(out, ignore_errors=True)

        rows = [("decode only (-f null)", "decode"), (f"one pass ({len(names)} rungs)", "one"),
                (f"separate runs (sum of {len(names)})", "separate"),
                *((f"  {name} alone", f"alone {name}") for name in names),
                ("worker job (run_job)", "job"), ("  its ffmpeg run", "job_ffmpeg")]
        for field, title in (("wall", "wall time"), ("cpu", "CPU time (user+sys)")):
            print(f"{title:34}" + "".join(f"{'round ' + str(n + 1):>10}" for n in range(args.rounds)))
            for label, key in rows:
                print(row(label, times[key], field))

        def medians(key: str) -> Sample:
            return Sample(median([x.wall for x in times[key]]), median([x.cpu for x in times[key]]))

        one, sep, dec, job, job_ffmpeg = (medians(key) for key in ("one", "separate", "decode", "job", "job_ffmpeg"))
        saved = sep.wall - (len(names) - 1) * dec.wall
        bound = f"{sep.wall / saved:.2f}x" if saved > 0 else "inf"
        print(f"one pass vs separate runs: {sep.wall / one.wall:.2f}x "
              f"(goal >= 1.25x; bound from saved decodes {bound})")
        print(f"worker job vs bare ffmpeg: {100 * (job.wall / one.wall - 1):+.1f}% (goal <= +5%)")
        paired = [100 * (j.wall / o.wall - 1) for j, o in zip(times["job"], times["one"])]
        print(f"  per round (job and bare one pass run back to back): {', '.join(f'{p:+.1f}%' for p in paired)}; "
              f"the job outside its ffmpeg run: {job.wall - job_ffmpeg.wall:.2f} s (median)")
        saved_cpu = sep.cpu - (len(names) - 1) * dec.cpu
        bound_cpu = f"{sep.cpu / saved_cpu:.2f}x" if saved_cpu > 0 else "inf"
        print(f"in CPU time: one pass vs separate runs {sep.cpu / one.cpu:.2f}x (bound {bound_cpu}); "
              f"worker job vs bare ffmpeg {100 * (job.cpu / one.cpu - 1):+.1f}%, of which outside ffmpeg "
              f"{job.cpu - job_ffmpeg.cpu:.2f} s")
        first, whole, chunks = fast_start(app, clip, args.chunk_seconds, args.run_timeout)
        print(f"first playable / full ladder: {first / whole:.2f}x (goal <= 0.25x; chunked path, {chunks} chunks of "
              f"{args.chunk_seconds:g} s, one worker: playable after {first:.1f} s, whole ladder after {whole:.1f} s)")
        print(f"realtime factor (one pass): {info.duration / one.wall:.2f}x "
              f"({info.duration:.1f} s of video in {one.wall:.1f} s)")
        print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    finally:
        redis_server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
