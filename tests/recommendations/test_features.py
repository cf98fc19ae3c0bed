"""Content features, top-k and the blend (pure)."""
import numpy as np
import scipy.sparse as sp

from app.recommendations.features import FeatureModel, shrinkage, tokens, top_k
from app.recommendations.similar import blend


def profile(id, genres=("drama",), cast=(), crew=(), language="en", year=2000):
    return {"id": id, "genres": list(genres), "cast": list(cast), "crew": list(crew), "language": language,
            "year": year}


PROFILES = [
    profile(10, ("scifi", "drama"), cast=("Amy Adams",), crew=("Denis Villeneuve",), year=2016),
    profile(11, ("scifi",), cast=("Ryan Gosling",), crew=("Denis Villeneuve",), year=2017),
    profile(12, ("scifi", "action"), cast=("Keanu Reeves",), crew=("Lana Wachowski",), year=1999),
    profile(13, ("comedy",), cast=("Amy Poehler",), crew=("Someone Else",), language="fr", year=1975),
    profile(14, ("drama",), cast=("Amy Adams",), crew=("Another",), year=2013),
]


def test_tokens_cover_every_part_of_a_profile():
    found = tokens(profile(1, ("drama",), cast=(" Amy Adams ",), crew=("Denis Villeneuve",), year=1989))
    assert {"genre:drama", "cast:amy adams", "crew:denis villeneuve", "lang:en", "era:1980"} <= set(found)
    assert found["era:1990"] == found["era:1970"] == found["era:1980"] / 2  # neighbouring decades count half


def test_shared_director_and_genre_beat_a_shared_language():
    model = FeatureModel.build(PROFILES)
    indices, scores = top_k(model.matrix[:1], model.matrix, 4, exclude=np.asarray([0]))
    ranked = [int(model.ids[i]) for i in indices[0] if i >= 0]
    assert ranked[0] == 11 and 10 not in ranked
    assert ranked.index(11) < ranked.index(12) and 13 not in ranked[:3]
    assert list(scores[0]) == sorted(scores[0], reverse=True)


def test_chunked_products_match_one_product():
    model = FeatureModel.build(PROFILES)
    whole = top_k(model.matrix, model.matrix, 3, exclude=np.arange(5))
    chunked = top_k(model.matrix, model.matrix, 3, exclude=np.arange(5), budget_cells=1)
    assert np.array_equal(whole[0], chunked[0]) and np.allclose(whole[1], chunked[1])


def test_a_model_survives_a_round_trip_and_scores_a_title_it_never_saw():
    model = FeatureModel.loads(FeatureModel.build(PROFILES).dumps())
    assert list(model.ids) == [10, 11, 12, 13, 14]
    new = model.vector(profile(99, ("scifi",), crew=("Denis Villeneuve",), cast=("Nobody Known",), year=2021))
    indices, _ = top_k(new, model.matrix, 2)
    assert {int(model.ids[i]) for i in indices[0]} == {10, 11}


def test_the_blend_moves_from_content_to_co_watching_as_viewers_gather():
    content = sp.csr_matrix(np.array([[0, 0.8, 0.0], [0.8, 0, 0], [0, 0, 0]], dtype=np.float32))
    cowatch = sp.csr_matrix(np.array([[0, 0.0, 0.9], [0, 0, 0], [0.9, 0, 0]], dtype=np.float32))
    unwatched = blend(content, cowatch, np.array([0, 0, 0]), shrink=10, k=2)
    assert unwatched[0] == [(1, 0.800000011920929)]
    watched = blend(content, cowatch, np.array([90, 0, 90]), shrink=10, k=2)
    assert [j for j, _ in watched[0]] == [2, 1]
    assert all(j != row for row, items in enumerate(watched) for j, _ in items)
    assert shrinkage(np.array([0, 10]), 10).tolist() == [1.0, 0.5]
