"""Catalog benchmark: a filtered, sorted list page and a search over 100,000 titles, on SQLite
and on PostgreSQL, each against the same SQL run raw on the same connection pool.

    .venv/bin/python bench/catalog.py [--items 100000] [--runs 300] [--only sqlite|postgres]
    .venv/bin/python bench/catalog.py --smoke [--only postgres]   # seconds; SQLite only unless asked

PostgreSQL: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bench_catalog),
dropped and created by this script (BENCH_REUSE=1 keeps it). SQLite: a temporary file, or
BENCH_SQLITE_PATH to keep and reuse one.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time

from common import make_app, migrate, parse_args, recreate_postgres, summary

GENRES = ["Drama", "Comedy", "Action", "Thriller", "Romance", "Horror", "Science Fiction", "Animation",
          "Documentary", "Crime", "Fantasy", "Family", "Mystery", "War", "History", "Music"]
SYLLABLES = ["ka", "ro", "mi", "ten", "sol", "var", "lin", "dor", "ae", "qu", "bel", "nox", "tar", "el", "ven",
             "mar", "is", "cor", "pha", "lux", "stel", "in", "ter", "gal", "ora", "ny", "zed", "bo", "rin", "cas"]
RATINGS = ["G", "PG", "PG-13", "R", "TV-14", "TV-MA", "TV-PG"]
LEVELS = {"G": 0, "PG": 1, "PG-13": 2, "R": 3, "TV-14": 2, "TV-MA": 3, "TV-PG": 1}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def populate(app, items: int) -> None:
    from sqlalchemy import insert

    from app.catalog.models import Content, Genre, content_genres
    from app.extensions import db

    rng = random.Random(42)
    vocabulary = [_word(rng) for _ in range(5000)]
    people = [f"{_word(rng).title()} {_word(rng).title()}" for _ in range(3000)]
    with app.app_context():
        db.session.execute(insert(Genre), [{"id": i + 1, "name": g, "slug": g.lower().replace(" ", "-")}
                                           for i, g in enumerate(GENRES)])
        batch, links = [], []
        for n in range(1, items + 1):
            genres = rng.sample(range(1, len(GENRES) + 1), 2)
            rating = rng.choice(RATINGS)
            title = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 4))).title()
            batch.append({
                "id": n, "kind": "series" if n % 5 == 0 else "movie", "title": title, "slug": f"t-{n}",
                "synopsis": " ".join(rng.choice(vocabulary) for _ in range(30)),
                "release_year": rng.randint(1950, 2025), "runtime_minutes": rng.randint(70, 180),
                "maturity_rating": rating, "maturity_level": LEVELS[rating],
                "original_language": rng.choice(["en", "en", "en", "fr", "es", "ko", "ja"]),
                "tier_required": rng.choice(["free", "free", "premium", "family"]), "status": "published",
                "view_count": int(rng.paretovariate(1.2) * 10), "average_rating": round(rng.uniform(3, 9.5), 1),
                "search_people": " ".join(rng.sample(people, 4)),
                "search_genres": "|".join(sorted(GENRES[g - 1] for g in genres)),
            })
            links += [{"content_id": n, "genre_id": g} for g in genres]
            if len(batch) == 5000:
                db.session.execute(insert(Content), batch)
                db.session.execute(insert(content_genres), links)
                batch, links = [], []
        if batch:
            db.session.execute(insert(Content), batch)
            db.session.execute(insert(content_genres), links)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()


def captured_sql(app, client, path: str) -> list[tuple[str, object]]:
    """The statements (with parameters) one warm API request sends to the database."""
    from sqlalchemy import event

    from app.extensions import db

    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def time_http(client, path: str, runs: int) -> list[float]:
    for _ in range(10):
        assert client.get(path).status_code == 200
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    return samples


def time_raw(app, statements: list[tuple[str, object]], runs: int) -> list[float]:
    from app.extensions import db

    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            samples = []
            for index in range(runs + 10):
                started = time.perf_counter()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
                if index >= 10:
                    samples.append((time.perf_counter() - started) * 1000)
            return samples
        finally:
            connection.close()


def search_word(app) -> str:
    """A syllable pair that prefixes a few hundred titles: a realistic, not trivial, search."""
    from app.extensions import db

    with app.app_context():
        return db.session.execute(db.text("SELECT lower(substr(title, 1, 4)) FROM content WHERE id = 777")).scalar()


def run(label: str, database_url: str, redis_url: str, items: int, runs: int) -> dict:
    app = make_app(database_url, redis_url)
    migrate(app)
    from app.extensions import db

    with app.app_context():
        present = db.session.execute(db.text("SELECT count(*) FROM content")).scalar()
    started = time.perf_counter()
    if present != items:
        populate(app, items)
    load_s = time.perf_counter() - started

    word = search_word(app)
    client = app.test_client()
    list_path = "/api/v1/content?genre=drama&yearFrom=1990&sort=popular&perPage=20"
    search_path = f"/api/v1/content/search?q={word}&perPage=20"
    results, cold = {}, {}
    for name, path in (("list", list_path), ("search", search_path)):
        with app.app_context():
            from app.extensions import redis

            redis.delete(*(redis.keys("*:catalog:count:*") or ["none"]))
        started = time.perf_counter()
        client.get(path)
        cold[name] = (time.perf_counter() - started) * 1000  # includes the uncached count
        api = summary(time_http(client, path, runs))
        raw = summary(time_raw(app, captured_sql(app, client, path), runs))
        results[name] = (api, raw)
    with app.app_context():
        total = client.get(search_path).get_json()["meta"]["total"]
    print(f"\n{label}: {items} items loaded in {load_s:.1f} s; search word {word!r} matches {total}")
    print(f"{'query':8} {'API p50':>9} {'API p99':>9} {'raw p50':>9} {'raw p99':>9} {'ratio p50':>10} "
          f"{'cold (uncached count)':>22}")
    for name, (api, raw) in results.items():
        print(f"{name:8} {api['p50']:8.2f}ms {api['p99']:8.2f}ms {raw['p50']:8.2f}ms {raw['p99']:8.2f}ms "
              f"{api['p50'] / raw['p50']:9.2f}x {cold[name]:20.1f}ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000, help="at least 777: the search word is title 777's")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parse_args(parser, {"items": 1000, "runs": 20, "only": "sqlite"})
    from config.redis_server import start_redis

    redis_server = start_redis()
    try:
        if args.only in (None, "sqlite"):
            keep = os.environ.get("BENCH_SQLITE_PATH")  # reuse a populated file between runs
            if keep:
                run("SQLite", f"sqlite:///{keep}", redis_server.url, args.items, args.runs)
            else:
                with tempfile.TemporaryDirectory() as directory:
                    run("SQLite", f"sqlite:///{directory}/bench.db", redis_server.url, args.items, args.runs)
        if args.only in (None, "postgres"):
            url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_catalog")
            if not os.environ.get("BENCH_REUSE"):  # BENCH_REUSE=1 keeps a database populated earlier
                recreate_postgres(url)
            run("PostgreSQL", url, redis_server.url, args.items, args.runs)
    finally:
        redis_server.stop()


if __name__ == "__main__":
    main()
