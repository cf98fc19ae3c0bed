"""Celery bound to the Flask app (Flask's own pattern): every task runs inside an app context.

Worker hygiene from the anchors: the forked child disposes the inherited DB engine, and the
scoped session is removed after each task so no task sees another's half-finished work.
"""
from __future__ import annotations

from celery import Celery, Task, signals
from flask import Flask
from kombu import Exchange, Queue

from app.extensions import db, redis
from app.platform.metrics import celery_outcomes_key


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    settings = dict(app.config["CELERY"])
    queue_names = settings.pop("task_queues_names")
    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.config_from_object(settings)
    celery_app.conf.task_queues = [Queue(name, Exchange(name, type="direct"), routing_key=name) for name in queue_names]
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    _connect_signals(app)
    return celery_app


_connected = False


def _connect_signals(app: Flask) -> None:
    global _connected
    if _connected:
        return
    _connected = True

    @signals.worker_process_init.connect(weak=False)
    def _dispose_engine(**_):
        with app.app_context():
            db.engine.dispose(close=False)

    @signals.task_postrun.connect(weak=False)
    def _remove_session(**_):
        with app.app_context():
            db.session.remove()

    def _count(task, outcome: str) -> None:
        name = getattr(task, "name", None) or str(task)
        try:
            with app.app_context():
                redis.client.hincrby(celery_outcomes_key(), f"{name}|{outcome}", 1)
        except Exception:  # counting must never fail a task
            pass

    @signals.task_success.connect(weak=False)
    def _on_success(sender=None, **_):
        _count(sender, "success")

    @signals.task_failure.connect(weak=False)
    def _on_failure(sender=None, **_):
        _count(sender, "failure")

    @signals.task_retry.connect(weak=False)
    def _on_retry(sender=None, **_):
        _count(sender, "retry")
