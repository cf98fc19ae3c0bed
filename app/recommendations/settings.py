"""Recommendation settings: how often lists are rebuilt, their sizes and the signal weights."""
from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

from config.env import env_bool, env_float, env_int


def read_settings(config) -> dict:
    return {
        # trending and popular lists are rebuilt this often (seconds) and live three times as long
        "RECS_LIST_INTERVAL": env_int("RECS_LIST_INTERVAL", 300),
        "RECS_LIST_SIZE": env_int("RECS_LIST_SIZE", 500),  # ranked ids kept per list
        "RECS_TRENDING_BUCKETS": env_int("RECS_TRENDING_BUCKETS", 24),  # steps of the time decay
        "RECS_TRENDING_HALF_LIFE": env_float("RECS_TRENDING_HALF_LIFE", 0.25),  # a share of the window
        "RECS_COMPLETION_WEIGHT": env_float("RECS_COMPLETION_WEIGHT", 1.0),  # a finished title counts 1 + this
        "RECS_POPULAR_MIN_VIEWERS": env_int("RECS_POPULAR_MIN_VIEWERS", 2),
        "RECS_ROW_SIZE": env_int("RECS_ROW_SIZE", 10),  # titles per genre row of /popular
        # implicit feedback: a title in the history, finishing it, saving it
        "RECS_WEIGHT_WATCHED": env_float("RECS_WEIGHT_WATCHED", 1.0),
        "RECS_WEIGHT_COMPLETED": env_float("RECS_WEIGHT_COMPLETED", 1.0),
        "RECS_WEIGHT_FAVORITE": env_float("RECS_WEIGHT_FAVORITE", 2.0),
        "RECS_SIMILAR_SIZE": env_int("RECS_SIMILAR_SIZE", 30),  # similar titles kept per title
        # co-watchers at which a title's similar list is half content, half co-watching
        "RECS_SIMILAR_SHRINK": env_float("RECS_SIMILAR_SHRINK", 10.0),
        # seconds between checks for a similar-titles rebuild (done when the catalog or history changed)
        "RECS_SIMILAR_INTERVAL": env_int("RECS_SIMILAR_INTERVAL", 3600),
        # the personalized model: EASE up to this many titles (dense items x items), ALS above
        "RECS_EASE_MAX_ITEMS": env_int("RECS_EASE_MAX_ITEMS", 5000),
        "RECS_EASE_LAMBDA": env_float("RECS_EASE_LAMBDA", 200.0),
        "RECS_EASE_DROPOUT": env_float("RECS_EASE_DROPOUT", 0.1),  # EDLAE's emphasis (0: plain EASE)
        "RECS_RECENCY_DECAY": env_float("RECS_RECENCY_DECAY", 0.98),  # weight of a user's k-th latest title: this**k
        "RECS_EASE_FOLDIN_NEIGHBOURS": env_int("RECS_EASE_FOLDIN_NEIGHBOURS", 200),  # weights kept per title
        "RECS_ALS_FACTORS": env_int("RECS_ALS_FACTORS", 64),
        "RECS_ALS_REGULARIZATION": env_float("RECS_ALS_REGULARIZATION", 0.05),
        "RECS_ALS_ALPHA": env_float("RECS_ALS_ALPHA", 2.0),
        "RECS_ALS_ITERATIONS": env_int("RECS_ALS_ITERATIONS", 15),
        "RECS_TOP_N": env_int("RECS_TOP_N", 100),  # titles stored per user
        "RECS_MIN_SUPPORT": env_int("RECS_MIN_SUPPORT", 2),  # users a title needs to be in the model
        "RECS_TRAIN_HOUR": env_int("RECS_TRAIN_HOUR", 3),  # the nightly training, UTC hour
        # seconds between fold-ins of users whose history or favorites changed
        "RECS_FOLDIN_INTERVAL": env_int("RECS_FOLDIN_INTERVAL", 60),
        # `flask seed` (so `make run`) imports MovieLens once for a demo with a real catalog
        "RECS_DEMO_MOVIELENS": env_bool("RECS_DEMO_MOVIELENS", getattr(config, "ENV_NAME", "") == "development"),
    }


def beat_entries(config) -> dict:
    return {
        "recs-refresh-lists": {"task": "workers.recommendations.refresh_lists",
                               "schedule": timedelta(seconds=config["RECS_LIST_INTERVAL"])},
        "recs-build-similar": {"task": "workers.recommendations.build_similar",
                               "schedule": timedelta(seconds=config["RECS_SIMILAR_INTERVAL"])},
        "recs-train-nightly": {"task": "workers.recommendations.train",
                               "schedule": crontab(hour=config["RECS_TRAIN_HOUR"], minute=0)},
        "recs-fold-in": {"task": "workers.recommendations.fold_in",
                         "schedule": timedelta(seconds=config["RECS_FOLDIN_INTERVAL"])},
    }
