"""/api/v1/recommendations: trending, popular (per genre or as genre rows)."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from app.core.envelope import envelope, ok, page_envelope
from app.core.identity import auth_required, current_identity, roles_required
from app.errors import NotFoundError
from app.recommendations import service
from app.core.pagination import PaginationArgsSchema
from app.recommendations.schemas import (POPULAR_ENTRY, PopularArgsSchema, RecommendationMetaSchema,
                                         RecommendationSchema, TrainingJobSchema, TrainingResultSchema,
                                         TrendingArgsSchema)

blp = Blueprint("recommendations", __name__, description="Recommendations: trending, popular, similar, for you")
admin_blp = Blueprint("recommendations_admin", __name__, description="Recommendation models: training and status")


def _viewer():
    return service.viewer_for(current_identity(required=True))


@blp.route("/trending")
class Trending(MethodView):
    @auth_required
    @blp.arguments(TrendingArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(RecommendationSchema, RecommendationMetaSchema))
    def get(self, args):
        """Trending: views and completions over the window, newer ones weighing more"""
        items, meta = service.trending(_viewer(), args["window"], args["page"], args["per_page"])
        return ok(items, meta=meta)


@blp.route("/popular")
class Popular(MethodView):
    @auth_required
    @blp.arguments(PopularArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, envelope(data_field=ma.fields.List(POPULAR_ENTRY, required=True), meta=True,
                                meta_schema=RecommendationMetaSchema, name="Popular"))
    def get(self, args):
        """Most watched: a genre's titles (``genre``), or one row per genre"""
        if args.get("genre"):
            items, meta = service.popular_in_genre(_viewer(), args["genre"], args["page"], args["per_page"])
        else:
            items, meta = service.popular_rows(_viewer(), args["page"], args["per_page"])
        return ok(items, meta=meta)


@blp.route("/similar/<int:content_id>")
class Similar(MethodView):
    @auth_required
    @blp.arguments(PaginationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(RecommendationSchema, RecommendationMetaSchema))
    @blp.alt_response(403, response="FORBIDDEN", description="MATURITY_RESTRICTED")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, content_id):
        """Titles like this one: genres, cast, crew, language and era, blended with co-watching"""
        items, meta = service.similar(_viewer(), content_id, args["page"], args["per_page"])
        return ok(items, meta=meta)


@blp.route("/personalized")
class Personalized(MethodView):
    @auth_required(allow_service=False)
    @blp.arguments(PaginationArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, page_envelope(RecommendationSchema, RecommendationMetaSchema))
    def get(self, args):
        """For you: the model's picks with the title behind each, then what is popular in your genres"""
        items, meta = service.personalized(_viewer(), args["page"], args["per_page"])
        return ok(items, meta=meta)


@admin_blp.route("/train")
class Train(MethodView):
    @roles_required("admin")
    @admin_blp.response(202, envelope(TrainingJobSchema))
    def post(self):
        """Train the personalized model now (one training at a time: a second call answers the running one)"""
        status, _ = service.train("admin")
        return ok(status), 202


@admin_blp.route("/train/<string:job_id>")
class TrainingJob(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope(TrainingJobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    def get(self, job_id):
        """A training's state, stage and progress, and its figures once done"""
        return ok(service.training_job(job_id))


@admin_blp.route("/model")
class CurrentModel(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope(TrainingResultSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    def get(self):
        """The personalized model serving now"""
        info = service.model_info()
        if info is None:
            raise NotFoundError("No personalized model has been trained yet")
        return ok(info)
