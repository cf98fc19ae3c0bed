"""EASE and ALS behind one interface (pure), and the ALS path of a real training."""
import numpy as np
import pytest
import scipy.sparse as sp

from app.recommendations.models import Als, Ease, choose, loads
from tests.catalog.factories import create, movie_body
from tests.recommendations.viewing import watch


def planted(users_per_group=30, items_per_group=6, groups=3, seed=0):
    """Users of group g watch most items of block g and nothing else."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for g in range(groups):
        for u in range(users_per_group):
            for i in range(items_per_group):
                if rng.random() < 0.7:
                    rows.append(g * users_per_group + u)
                    cols.append(g * items_per_group + i)
    shape = (groups * users_per_group, groups * items_per_group)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)


@pytest.mark.parametrize("model", [Ease(10.0), Als(factors=4, iterations=15)], ids=["ease", "als"])
def test_each_model_recommends_within_the_users_block_and_never_what_they_watched(model):
    matrix = planted()
    model.fit(matrix)
    for user, picks in enumerate(model.recommend(matrix, 3)):
        block = user // 30
        watched = set(matrix[user].indices)
        if len(watched) < 6:  # something of their block left to find
            assert picks and picks[0][0] // 6 == block, (user, picks)
        assert not watched & {item for item, _, _ in picks}
        assert all(because in watched for _, _, because in picks if because >= 0)
        scores = [score for _, score, _ in picks]
        assert scores == sorted(scores, reverse=True)


def test_a_stored_model_folds_a_new_user_in_as_the_trained_one_does():
    matrix = planted()
    ease = Ease(10.0).fit(matrix)
    newcomer = sp.csr_matrix(([1.0, 1.0], ([0, 0], [12, 13])), shape=(1, 18), dtype=np.float32)
    assert [i for i, _, _ in loads(ease.dumps()).recommend(newcomer, 3)[0]] == \
        [i for i, _, _ in ease.recommend(newcomer, 3)[0]]
    pruned = loads(ease.pruned(5).dumps())
    assert {i // 6 for i, _, _ in pruned.recommend(newcomer, 3)[0]} == {2}
    als = Als(factors=4, iterations=15).fit(matrix)
    assert loads(als.dumps()).recommend(newcomer, 3) == als.recommend(newcomer, 3)


def test_ease_up_to_the_item_limit_als_above():
    assert isinstance(choose(5000, 5000, 300.0), Ease)
    assert isinstance(choose(5001, 5000, 300.0, factors=8), Als)


def test_a_training_above_the_ease_limit_trains_als_and_serves_it(app, client, admin_headers, make_user,
                                                                   auth_headers):
    from app.recommendations import personal

    scifi = [create(client, admin_headers, movie_body(genres=["Science Fiction"])) for _ in range(4)]
    comedy = [create(client, admin_headers, movie_body(genres=["Comedy"])) for _ in range(4)]
    for group in (scifi, comedy):
        for _ in range(10):
            fan = make_user()
            for movie in group:
                watch(app, fan["id"], movie["id"], completed=True)
    viewer = make_user()
    watch(app, viewer["id"], scifi[0]["id"])
    with app.app_context():
        config = {**app.config, "RECS_EASE_MAX_ITEMS": 4, "RECS_ALS_FACTORS": 4}
        info = personal.train(config, "test-job")
        assert info["model"] == "als" and info["items"] == 8 and info["users"] == 21
    body = client.get("/api/v1/recommendations/personalized", headers=auth_headers(viewer)).get_json()
    assert body["meta"]["modelVersion"] == info["version"]
    assert {item["id"] for item in body["data"][:3]} == {m["id"] for m in scifi[1:]}
    # a fold-in with the stored ALS model: the viewer now also watched a comedy
    watch(app, viewer["id"], comedy[0]["id"])
    with app.app_context():
        assert personal.fold_in(config, [viewer["id"]]) == 1
    body = client.get("/api/v1/recommendations/personalized", headers=auth_headers(viewer)).get_json()
    assert comedy[0]["id"] not in [item["id"] for item in body["data"]]


def test_a_training_with_nothing_to_learn_from_fails_saying_why(app, client, admin_headers):
    from app.recommendations import personal

    with app.app_context(), pytest.raises(ValueError, match="nothing to learn from"):
        personal.train(app.config, "test-job")
