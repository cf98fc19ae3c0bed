"""Checks and probes are scheduled by beat and routed to the probes queue."""
from datetime import timedelta


def test_beat_schedules_checks_and_probes_on_the_probes_queue(monkeypatch):
    from app import create_app

    monkeypatch.setenv("PROVIDER_CHECK_INTERVAL", "120")
    monkeypatch.setenv("PROXY_PROBE_INTERVAL", "45")
    celery = create_app("testing").config["CELERY"]  # each domain adds its beat entries
    schedule = celery["beat_schedule"]
    assert schedule["providers-check"]["schedule"] == timedelta(seconds=120)
    assert schedule["proxies-probe"]["schedule"] == timedelta(seconds=45)
    assert schedule["proxies-probe"]["kwargs"] == {"due_only": True}  # benched proxies wait out their back-off
    assert celery["task_routes"]["workers.providers.*"] == {"queue": "probes"}
    assert celery["task_routes"]["workers.proxies.*"] == {"queue": "probes"}
    assert {"workers.providers", "workers.proxies"} <= set(celery["include"])


def test_worker_tasks_are_registered_under_their_names(app):
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    assert {"workers.providers.check_providers", "workers.proxies.probe_proxies"} <= set(celery.tasks)
