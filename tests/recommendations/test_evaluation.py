"""The offline evaluation: the time split, the metrics, and models on a planted data set."""
import json

import numpy as np

from app.recommendations.evaluation import dataset, evaluate, measure, table, time_split
from app.recommendations.synthetic import generate
from tests.recommendations.test_movielens import write_ml_latest


def test_each_users_latest_fifth_is_held_out_and_short_histories_stay_whole():
    users = np.array([1] * 10 + [2] * 3)
    items = np.arange(13)
    times = np.concatenate((np.arange(100, 0, -10), [5, 6, 7]))  # user 1's newest come first here
    split = time_split(dataset(users, items, times), holdout=0.2, min_interactions=5)
    assert split.held_out == {0: {0, 1}}  # the two latest of user 1 (times 100 and 90)
    assert split.train[1].nnz == 3 and split.train[0].nnz == 8
    assert split.details["testInteractions"] == 2


def test_the_metrics_reward_the_held_out_items_at_the_top():
    users, items, times = np.array([0] * 5), np.arange(5), np.arange(5)
    split = time_split(dataset(users, items, times, "tiny"), holdout=0.2, min_interactions=5)
    perfect = measure(split, lambda rows: np.array([[0, 0, 0, 0, 1.0]] * len(rows)))
    assert perfect == {"ndcg@10": 1.0, "recall@20": 1.0}
    assert measure(split, lambda rows: np.array([[1.0, 1, 1, 1, -1]] * len(rows)))["ndcg@10"] == 1.0  # only 1 left


def test_on_a_planted_data_set_the_models_beat_popularity():
    _, users, items, times = generate(400, 150, 12_000, seed=3)
    report = evaluate(dataset(users, items, times, "planted"), models=["popularity", "itemknn-cosine", "ease",
                                                                        "edlae-recency"])
    models = report["models"]
    assert report["chosen"] == "edlae-recency" and set(models) == {"popularity", "itemknn-cosine", "ease",
                                                                    "edlae-recency"}
    assert models["edlae-recency"]["ndcg@10"] > 1.2 * models["popularity"]["ndcg@10"]
    assert models["ease"]["ndcg@10"] > 1.2 * models["popularity"]["ndcg@10"]
    assert all(row["fitSeconds"] >= 0 and "params" in row for row in models.values())
    assert "edlae-recency" in table(report).splitlines()[2]  # best first


def test_the_cli_imports_movielens_once_and_evaluates_as_json(app, client, user_headers, tmp_path):
    runner = app.test_cli_runner()
    folder = write_ml_latest(tmp_path / "ml")
    first = runner.invoke(args=["recs", "import-movielens", str(folder)])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output.splitlines()[-1]) == {
        "source": f"ml-latest at {folder}", "titles": 2, "accounts": 2, "viewings": 1, "viewingsAdded": 1}
    again = runner.invoke(args=["recs", "import-movielens", str(folder)])
    assert json.loads(again.output.splitlines()[-1])["viewingsAdded"] == 0
    listed = client.get("/api/v1/content", query_string={"genre": "sci-fi"}).get_json()["data"]
    assert [(c["title"], c["releaseYear"], c["maturityRating"]) for c in listed] == [("Matrix, The", 1999, "NR")]

    result = runner.invoke(args=["recs", "evaluate", "--data", "synthetic", "--synthetic", "200,80,5000",
                                 "--models", "popularity,ease", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"data", "split", "chosen", "models"}
    assert set(report["models"]["ease"]) >= {"ndcg@10", "recall@20", "fitSeconds"}

    bad = runner.invoke(args=["recs", "evaluate", "--models", "magic"])
    assert bad.exit_code == 2 and "unknown model(s): magic" in bad.output
    missing = runner.invoke(args=["recs", "import-movielens", str(tmp_path)])
    assert missing.exit_code == 1 and "no MovieLens ratings" in missing.output
    empty = runner.invoke(args=["recs", "evaluate", "--data", "database"])
    assert empty.exit_code == 1 and "too few interactions to hold any out" in empty.output  # one viewing so far


def test_the_seed_step_imports_once_and_only_when_asked(app, tmp_path, capsys):
    from app.recommendations.cli import seed_movielens

    with app.app_context():
        seed_movielens()
    assert "off (RECS_DEMO_MOVIELENS)" in capsys.readouterr().out
    app.test_cli_runner().invoke(args=["recs", "import-movielens", str(write_ml_latest(tmp_path / "ml"))])
    app.config["RECS_DEMO_MOVIELENS"] = True
    try:
        with app.app_context():
            seed_movielens()
        assert "already imported" in capsys.readouterr().out
    finally:
        app.config["RECS_DEMO_MOVIELENS"] = False
