"""What the monitoring dashboard shows: health, traffic, breakers, providers, proxies, queues."""
from __future__ import annotations

from flask import current_app

from app.platform import breaker
from app.platform.metrics import HTTP_LATENCY, HTTP_REQUESTS
from app.extensions import redis
from app.ops.health import health_report
from app.providers import service as providers
from app.proxies import service as proxies


def traffic() -> dict:
    """Totals of this web process since it started; the page turns them into rates."""
    total = errors = 0.0
    for metric in HTTP_REQUESTS.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                total += sample.value
                if sample.labels.get("status", "").startswith("5"):
                    errors += sample.value
    buckets: dict[float, float] = {}
    latency_sum = latency_count = 0.0
    for metric in HTTP_LATENCY.collect():
        for sample in metric.samples:
            if sample.name.endswith("_bucket"):
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
            elif sample.name.endswith("_sum"):
                latency_sum += sample.value
            elif sample.name.endswith("_count"):
                latency_count += sample.value
    p95 = None
    if latency_count:
        for bound in sorted(buckets):
            if buckets[bound] >= 0.95 * latency_count:
                p95 = bound
                break
    return {"requests": int(total), "serverErrors": int(errors),
            "meanLatencyMs": round(latency_sum / latency_count * 1000, 2) if latency_count else None,
            "p95LatencyBucketMs": None if p95 is None or p95 == float("inf") else p95 * 1000}


def queue_depths() -> dict:
    names = current_app.config["CELERY"].get("task_queues_names", [])
    pipe = redis.client.pipeline(transaction=False)
    for name in names:
        pipe.llen(name)  # the Redis transport keeps each queue as a list named after it
    return dict(zip(names, pipe.execute()))


def safely(fn, fallback):
    try:
        return fn()
    except Exception as exc:  # one broken panel must not blank the page
        return {"error": f"{type(exc).__name__}: {exc}"[:200]} if fallback is None else fallback


def overview() -> dict:
    return {
        "health": safely(health_report, None),
        "traffic": safely(traffic, None),
        "breakers": safely(breaker.list_breakers, []),
        "providers": safely(lambda: providers.list_with_status(include_disabled=True), []),
        "proxies": safely(proxies.list_proxies, []),
        "queues": safely(queue_depths, {}),
    }
