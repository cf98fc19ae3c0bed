"""Lua scripts run against the extension's Redis client, registered on first use.

Registering needs the client, which exists only once ``create_app`` bound the extension, so a
module declares its script at import and the registration (and with it EVALSHA, falling back to
EVAL when the server lost the script) happens on the first call.
"""
from __future__ import annotations

from app.extensions import redis


class LuaScript:
    def __init__(self, source: str) -> None:
        self.source = source
        self._script = None

    def __call__(self, keys: list, args: list):
        if self._script is None:
            self._script = redis.client.register_script(self.source)
        return self._script(keys=keys, args=args)
