"""Watch-together settings (seconds unless named _MS)."""
from __future__ import annotations

from datetime import timedelta

from config.env import env_float, env_int, env_str


def _invite_url(name: str, default: str) -> str:
    template = env_str(name, default)
    try:
        template.format(roomId="r", inviteCode="c")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"{name} may only use {{roomId}} and {{inviteCode}}: {template!r}") from exc
    return template


def read_settings(config) -> dict:
    return {
        "ROOM_MAX_PARTICIPANTS": env_int("ROOM_MAX_PARTICIPANTS", 10),
        "ROOM_DEFAULT_PROVIDER": env_str("ROOM_DEFAULT_PROVIDER", "vidnest"),  # rooms created without one
        "ROOM_TIME_BROADCAST_INTERVAL": env_float("ROOM_TIME_BROADCAST_INTERVAL", 5.0),
        "ROOM_HEARTBEAT_TIMEOUT": env_float("ROOM_HEARTBEAT_TIMEOUT", 60.0),
        "ROOM_COMMAND_LEAD_MS": env_int("ROOM_COMMAND_LEAD_MS", 0),  # 0: twice the slowest round trip
        "ROOM_READY_TIMEOUT": env_float("ROOM_READY_TIMEOUT", 5.0),
        "ROOM_REJOIN_GRACE": env_float("ROOM_REJOIN_GRACE", 30.0),
        "ROOM_EMPTY_GRACE": env_float("ROOM_EMPTY_GRACE", 10.0),
        "ROOM_IDLE_TTL": env_int("ROOM_IDLE_TTL", 24 * 3600),
        "ROOM_SWEEP_INTERVAL": env_int("ROOM_SWEEP_INTERVAL", 300),
        "ROOM_CHAT_HISTORY": env_int("ROOM_CHAT_HISTORY", 50),
        "ROOM_CHAT_RATE_LIMIT": env_int("ROOM_CHAT_RATE_LIMIT", 5),
        "ROOM_CHAT_RATE_WINDOW": env_int("ROOM_CHAT_RATE_WINDOW", 5),
        # the invite link given with a room's code: {roomId} and {inviteCode} are filled in
        "ROOM_INVITE_URL": _invite_url("ROOM_INVITE_URL", "/watch-together/demo?room={roomId}&invite={inviteCode}"),
    }


def beat_entries(config) -> dict:
    return {"rooms-close-idle": {"task": "workers.rooms.close_idle_rooms", "options": {"queue": "default"},
                                 "schedule": timedelta(seconds=config["ROOM_SWEEP_INTERVAL"])}}
