"""``make run``: the embedded development stack on one machine.

Starts a private Redis when REDIS_URL is unset, migrates the SQLite (or DATABASE_URL) database,
seeds the admin account and demo data, then runs web + streamer + worker + torrents + beat through honcho from the
Procfile. Ctrl-C stops every process it started, the Redis included. Safe to run twice.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dotenv import load_dotenv

from config.redis_server import port_is_free, start_redis
from config.settings import DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "app:create_app", *args], cwd=ROOT, env=env, check=True)


def _banner(env: dict) -> None:
    port = env.get("PORT", "5000")
    base = f"http://127.0.0.1:{port}"
    admin_email = env.get("ADMIN_EMAIL", DEV_ADMIN_EMAIL)
    lines = [
        "",
        "Marquee is starting:",
        f"  API          {base}/api/v1",
        f"  Swagger UI   {base}/docs",
        f"  Health       {base}/health",
        f"  Metrics      {base}/metrics",
        *([f"  Streamer     {env['STREAMERS']}"] if env.get("STREAMERS") else []),
        f"  Redis        {env['REDIS_URL']}",
        f"  Database     {env.get('DATABASE_URL', 'sqlite:///instance/marquee.db')}",
        f"  Admin        {admin_email}" + ("" if os.environ.get("ADMIN_PASSWORD") else f" / {DEV_ADMIN_PASSWORD} (development default)"),
        "  Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)


def run(processes: list[str]) -> int:
    load_dotenv(ROOT / ".env")
    env = dict(os.environ)
    env.setdefault("APP_ENV", "development")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("ADMIN_EMAIL", DEV_ADMIN_EMAIL)
    env.setdefault("ADMIN_PASSWORD", DEV_ADMIN_PASSWORD)
    (ROOT / "instance").mkdir(exist_ok=True)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # the streamer of the Procfile serves torrent bytes; the web process sends players there
    if "streamer" in processes:
        env.setdefault("STREAMER_PORT", "5100")
        env.setdefault("STREAMERS", f"http://127.0.0.1:{env['STREAMER_PORT']}")

    redis = None
    if not env.get("REDIS_URL"):
        port = 6379 if port_is_free(6379) else None
        redis = start_redis(port)
        env["REDIS_URL"] = redis.url
        print(f"Started a private redis-server on {redis.url} ({redis.binary})", flush=True)
    try:
        _flask(env, "db", "upgrade")
        _flask(env, "seed")
        _banner(env)
        honcho = subprocess.Popen([str(BIN / "honcho"), "-f", "Procfile", "start", *processes], cwd=ROOT, env=env)
        try:
            code = honcho.wait()
            # Ctrl-C reaches honcho too, and it may exit (130) before our own KeyboardInterrupt is
            # raised: either way the stack was stopped on purpose, which is a clean exit.
            return 0 if code in (130, -signal.SIGINT) else code
        except KeyboardInterrupt:
            # Ctrl-C reaches honcho too (same process group); give its children time to finish.
            honcho.send_signal(signal.SIGINT)
            try:
                honcho.wait(timeout=40)
            except subprocess.TimeoutExpired:
                honcho.kill()
            return 0
    except subprocess.CalledProcessError as exc:
        print(f"Set-up step failed: {' '.join(exc.cmd)}", file=sys.stderr)
        return exc.returncode or 1
    finally:
        if redis is not None:
            redis.stop()
            print("Stopped the private redis-server", flush=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "run":
        return run(argv[1:] or ["web", "streamer", "worker", "torrents", "beat"])
    print("usage: python -m config.devstack run [process ...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(main(sys.argv[1:]))
