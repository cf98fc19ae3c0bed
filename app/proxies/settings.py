"""Proxy pool settings: the configured proxies, the rotation strategy, probing and benching.

How the outbound client uses the pool (retries, direct fallback, timeouts) is the platform's:
``config/settings.py``.
"""
from __future__ import annotations

from datetime import timedelta

from config.env import env_bool, env_float, env_int, env_list, env_str
from config.settings import ConfigurationError

STRATEGIES = ("round-robin", "least-connections", "weighted", "random")


def read_settings(config) -> dict:
    testing = config.TESTING
    strategy = env_str("PROXY_STRATEGY", "round-robin")
    if strategy not in STRATEGIES:
        raise ConfigurationError("PROXY_STRATEGY must be round-robin, least-connections, weighted or random")
    return {
        "PROXY_URLS": env_list("PROXY_URLS", []),
        # proxies at loopback/private addresses (a local proxy in development, a LAN one when
        # set): off in production; metadata, link-local and unspecified addresses never
        "ALLOW_PRIVATE_PROXIES": env_bool("ALLOW_PRIVATE_PROXIES", config.ENV_NAME != "production"),
        "PROXY_STRATEGY": strategy,
        "PROXY_ROTATION_INTERVAL": env_int("PROXY_ROTATION_INTERVAL", 300_000),
        "PROXY_MAX_FAILURES": env_int("PROXY_MAX_FAILURES", 3),
        # under test, a name that never resolves on the internet; the test proxies map it to a local server
        "PROXY_PROBE_URL": env_str("PROXY_PROBE_URL", "http://probe.marquee.test/generate_204" if testing
                                   else "http://connectivitycheck.gstatic.com/generate_204"),
        "PROXY_PROBE_TIMEOUT": env_float("PROXY_PROBE_TIMEOUT", 1.0 if testing else 5.0),
        "PROXY_PROBE_INTERVAL": env_int("PROXY_PROBE_INTERVAL", 300),
        "PROXY_BACKOFF_BASE": env_float("PROXY_BACKOFF_BASE", 60.0),
        "PROXY_BACKOFF_MAX": env_float("PROXY_BACKOFF_MAX", 3600.0),
    }


def beat_entries(config) -> dict:
    return {"proxies-probe": {"task": "workers.proxies.probe_proxies", "kwargs": {"due_only": True},
                              "options": {"queue": "probes"},
                              "schedule": timedelta(seconds=config["PROXY_PROBE_INTERVAL"])}}
