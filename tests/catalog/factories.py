"""Small factories for catalog data, written through the admin API so the tests exercise it."""
from __future__ import annotations

import itertools

_ids = itertools.count(1)


def movie_body(**overrides) -> dict:
    n = next(_ids)
    body = {
        "kind": "movie", "title": f"Film {n}", "synopsis": "A film.", "releaseYear": 2000 + n % 20,
        "runtimeMinutes": 100, "maturityRating": "PG-13", "originalLanguage": "en", "genres": ["Drama"],
        "cast": [{"name": "Ada Lane", "role": "actor", "character": "Ruth"}], "tmdbId": 1000 + n,
        "tierRequired": "free", "status": "published", "averageRating": 7.0,
    }
    body.update(overrides)
    return body


def series_body(seasons: int = 2, episodes: int = 3, **overrides) -> dict:
    body = movie_body(kind="series", runtimeMinutes=None, maturityRating="TV-14", **overrides)
    body["seasons"] = [
        {"number": s, "title": f"Season {s}", "episodes": [
            {"number": e, "title": f"Episode {s}x{e}", "runtimeMinutes": 45} for e in range(1, episodes + 1)]}
        for s in range(1, seasons + 1)
    ]
    return body


def create(client, admin_headers, body) -> dict:
    response = client.post("/api/v1/content", json=body, headers=admin_headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]
