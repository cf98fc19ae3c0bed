"""GET /recommendations/personalized: the trained model's picks, fold-in, cold start, training jobs."""
import threading
import time

import pytest

from tests.catalog.factories import create, movie_body
from tests.recommendations.viewing import watch

PERSONAL = "/api/v1/recommendations/personalized"


def wait_for(check, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} not met in time"
        time.sleep(0.2)


def listed(client, headers, **params):
    response = client.get(PERSONAL, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body):
    return [item["id"] for item in body["data"]]


def train(client, admin_headers):
    started = client.post("/api/v1/admin/recommendations/train", headers=admin_headers)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()["data"]
    assert job["state"] in ("queued", "running", "done")

    def finished():
        status = client.get(f"/api/v1/admin/recommendations/train/{job['id']}", headers=admin_headers).get_json()
        return status["data"] if status["data"]["state"] in ("done", "failed") else None

    return wait_for(finished, what="training")


@pytest.fixture
def tastes(app, client, admin_headers, make_user):
    """Two planted audiences: sci-fi fans watch s1..s4, comedy fans c1..c4; nobody crosses over."""
    scifi = [create(client, admin_headers, movie_body(title=f"Space {n}", genres=["Science Fiction"]))
             for n in range(1, 5)]
    comedy = [create(client, admin_headers, movie_body(title=f"Laugh {n}", genres=["Comedy"])) for n in range(1, 5)]
    premium = create(client, admin_headers, movie_body(title="Space Premium", genres=["Science Fiction"],
                                                       tierRequired="premium"))
    for _ in range(8):
        fan = make_user()
        for movie in [*scifi, premium]:
            watch(app, fan["id"], movie["id"], completed=True)
    for _ in range(8):
        fan = make_user()
        for movie in comedy:
            watch(app, fan["id"], movie["id"], completed=True)
    return {"scifi": scifi, "comedy": comedy, "premium": premium}


def test_the_trained_model_ranks_by_taste_and_names_the_title_behind_each_pick(
        app, client, admin_headers, make_user, auth_headers, tastes, celery_worker):
    viewer = make_user()
    watch(app, viewer["id"], tastes["scifi"][0]["id"], completed=True)
    watch(app, viewer["id"], tastes["scifi"][1]["id"], completed=True)
    job = train(client, admin_headers)
    assert job["state"] == "done" and job["progress"] == 1.0, job
    assert job["result"]["model"] == "ease" and job["result"]["items"] == 9 and job["result"]["users"] == 17

    body = listed(client, auth_headers(viewer))
    ranked = ids(body)
    scifi_rest = {tastes["scifi"][2]["id"], tastes["scifi"][3]["id"]}
    assert set(ranked[:2]) == scifi_rest  # the planted taste first
    assert tastes["scifi"][0]["id"] not in ranked and tastes["scifi"][1]["id"] not in ranked  # finished
    assert tastes["premium"]["id"] not in ranked  # above the free tier
    assert len(ranked) == len(set(ranked))
    assert body["meta"]["modelVersion"] == job["result"]["version"]
    reason = body["data"][0]["reason"]
    assert reason["code"] == "because-you-watched"
    assert reason["contentId"] in (tastes["scifi"][0]["id"], tastes["scifi"][1]["id"])
    assert reason["text"].startswith("Because you watched Space ")
    # a premium viewer with the same history gets the premium title among the picks
    premium_viewer = make_user(tier="premium")
    watch(app, premium_viewer["id"], tastes["scifi"][0]["id"], completed=True)
    app.extensions["celery"].send_task("workers.recommendations.train")  # the nightly form: no job id

    def retrained():
        model = client.get("/api/v1/admin/recommendations/model", headers=admin_headers).get_json()["data"]
        return model if model["version"] != job["result"]["version"] else None

    assert wait_for(retrained, what="the nightly training")["users"] == 18
    body = listed(client, auth_headers(premium_viewer))
    assert body["meta"]["modelVersion"].startswith("ease@") and tastes["premium"]["id"] in ids(body)[:4]


def test_a_new_viewer_gets_their_genres_first_then_a_fold_in_after_they_save_titles(
        app, client, admin_headers, make_user, auth_headers, tastes, celery_worker):
    train(client, admin_headers)
    newcomer = make_user()
    headers = auth_headers(newcomer)
    patched = client.patch("/api/v1/users/me", json={"preferences": {"favoriteGenres": ["comedy"]}}, headers=headers)
    assert patched.status_code == 200, patched.get_json()
    cold = listed(client, headers)
    assert cold["meta"]["modelVersion"].startswith("popularity-blend@")
    assert set(ids(cold)[:4]) == {movie["id"] for movie in tastes["comedy"]}
    assert cold["data"][0]["reason"] == {"code": "popular-in-genre", "text": "Popular in Comedy",
                                         "contentId": None, "genre": "comedy"}

    for movie in tastes["scifi"][:2]:
        saved = client.post("/api/v1/users/me/favorites", json={"contentId": movie["id"]}, headers=headers)
        assert saved.status_code == 200, saved.get_json()
    app.extensions["celery"].send_task("workers.recommendations.fold_in")
    folded = wait_for(lambda: (lambda body: body if not body["meta"]["modelVersion"].startswith("popularity")
                               else None)(listed(client, headers)), what="the fold-in")
    assert set(ids(folded)[:2]) == {tastes["scifi"][2]["id"], tastes["scifi"][3]["id"]}
    assert folded["data"][0]["reason"]["code"] == "because-you-watched"


def test_never_an_empty_list_even_before_anyone_watched(client, admin_headers, user_headers):
    best = create(client, admin_headers, movie_body(title="Best", averageRating=9.5))
    create(client, admin_headers, movie_body(title="Fine", averageRating=6.0))
    body = listed(client, user_headers)
    assert ids(body)[0] == best["id"] and len(body["data"]) == 2
    assert body["data"][0]["reason"]["code"] == "top-rated"


def test_identity_and_roles_are_checked(client, user_headers, service_headers):
    assert client.get(PERSONAL).status_code == 401
    assert client.get(PERSONAL, headers=service_headers).status_code == 401  # a user's list needs a user
    assert client.get(PERSONAL, query_string={"page": 0}, headers=user_headers).status_code == 422
    assert client.post("/api/v1/admin/recommendations/train", headers=user_headers).status_code == 403
    assert client.post("/api/v1/admin/recommendations/train").status_code == 401
    assert client.get("/api/v1/admin/recommendations/train/nope", headers=user_headers).status_code == 403


def test_an_unknown_job_or_no_model_is_not_found(client, admin_headers):
    response = client.get("/api/v1/admin/recommendations/train/" + "f" * 32, headers=admin_headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "NOT_FOUND"
    assert client.get("/api/v1/admin/recommendations/model", headers=admin_headers).status_code == 404


def test_a_model_swap_while_serving_never_shows_half_a_list(app, client, admin_headers, user, user_headers):
    """Readers during repeated publishes see one version's list whole, never a mix."""
    from app.recommendations import personal, snapshots
    from app.recommendations.lists import Ranked

    movies = [create(client, admin_headers, movie_body()) for _ in range(6)]
    first = [m["id"] for m in movies[:3]]
    second = [m["id"] for m in movies[3:]]
    stop, published = threading.Event(), threading.Event()
    seen: list[tuple[str, list[int]]] = []

    def publish_again_and_again():
        with app.app_context():
            n = 0
            while not stop.is_set():
                n += 1
                version = f"ease@test-{n}"
                picks = first if n % 2 else second
                mine = Ranked(version, 0, tuple((cid, 1.0 - i / 10, 0) for i, cid in enumerate(picks))).encode()
                fields = {str(10_000 + k): mine for k in range(6_000)}  # a big snapshot, the reader's list last
                fields[str(user["id"])] = mine
                snapshots.publish(personal.MODEL, version, fields, {})
                published.set()
                time.sleep(0.02)  # retired versions live two minutes: bound what piles up in Redis

    writer = threading.Thread(target=publish_again_and_again)
    writer.start()
    try:
        assert published.wait(30)
        for _ in range(80):  # under the per-address budget of 100 a minute
            body = listed(client, user_headers)
            seen.append((body["meta"]["modelVersion"], ids(body)[:3]))
    finally:
        stop.set()
        writer.join()
    assert len({version for version, _ in seen}) > 1, "the model never changed while serving"
    for version, picks in seen:  # a version published before its lists were written would fall back here
        assert version.startswith("ease@test-"), version
        assert picks == (first if int(version.rsplit("-", 1)[1]) % 2 else second), (version, picks)


def test_a_training_that_cannot_learn_fails_saying_why_and_frees_the_slot(app, client, admin_headers, user,
                                                                            celery_worker):
    watch(app, user["id"], create(client, admin_headers, movie_body())["id"])  # one viewer: under RECS_MIN_SUPPORT
    job = train(client, admin_headers)
    assert job["state"] == "failed" and "RECS_MIN_SUPPORT" in job["error"], job
    again = client.post("/api/v1/admin/recommendations/train", headers=admin_headers).get_json()["data"]
    assert again["id"] != job["id"]  # the failed one no longer holds the slot


def test_a_lost_or_repeated_job_is_reported_and_never_run_twice(app, client, admin_headers):
    from app.extensions import redis
    from app.recommendations import jobs, keys, personal

    with app.app_context():
        redis.hset(keys.job("lost"), mapping={"state": "running", "queuedAt": 1, "startedAt": 2})
        status = client.get("/api/v1/admin/recommendations/train/lost", headers=admin_headers).get_json()["data"]
        assert status["state"] == "failed" and status["error"] == jobs.LOST
        redis.hset(keys.job("done"), mapping={"state": "done", "result": "{}"})
        redis.set(keys.active_job(), "done")
        assert personal.run_training("done", "admin") == {
            "skipped": "a training is already running, or this one already ran"}


def test_the_first_training_is_not_retried_on_the_same_data(app, client, admin_headers, user):
    from app.extensions import redis
    from app.recommendations import keys, personal

    watch(app, user["id"], create(client, admin_headers, movie_body())["id"])
    with app.app_context():
        first = personal.fold_in_changed(app.config)
        assert first["training"] is True
        redis.delete(keys.active_job())  # as if that training had failed
        assert personal.fold_in_changed(app.config)["training"] is False  # nothing new to learn from
        watch(app, user["id"], create(client, admin_headers, movie_body())["id"])
        assert personal.fold_in_changed(app.config)["training"] is True
