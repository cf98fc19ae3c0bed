"""Request and response shapes of /api/v1/recommendations."""
from __future__ import annotations

import marshmallow as ma

from app.catalog.schemas import ContentCardSchema
from app.core.pagination import PaginationArgsSchema
from app.core.schemas import CamelSchema, OneOfNested, PaginationMetaSchema, refuse_nul
from app.recommendations.decay import DEFAULT_WINDOW, WINDOWS

REASON_CODES = ["trending", "popular-in-genre", "popular", "top-rated", "because-you-watched", "similar", "for-you"]


class ReasonSchema(CamelSchema):
    code = ma.fields.String(required=True, metadata={"enum": REASON_CODES})
    text = ma.fields.String(required=True, metadata={"example": "Because you watched Arrival"})
    content_id = ma.fields.Integer(allow_none=True, metadata={"description": "The title the reason names"})
    genre = ma.fields.String(allow_none=True, metadata={"description": "The genre (slug) the reason names"})


class RecommendationSchema(ContentCardSchema):
    """A content card with why it is recommended and its score in the list (higher first)."""

    score = ma.fields.Float(required=True)
    reason = ma.fields.Nested(ReasonSchema, required=True)


class GenreRowSchema(CamelSchema):
    genre = ma.fields.String(required=True, metadata={"description": "The genre's slug"})
    name = ma.fields.String(required=True)
    items = ma.fields.List(ma.fields.Nested(RecommendationSchema), required=True)


class RecommendationMetaSchema(PaginationMetaSchema):
    modelVersion = ma.fields.String(required=True, metadata={
        "description": "The build that produced the list (model or ranking, and when it was made)"})
    generatedAt = ma.fields.DateTime(required=True)


class TrendingArgsSchema(PaginationArgsSchema):
    window = ma.fields.String(load_default=DEFAULT_WINDOW, validate=ma.validate.OneOf(list(WINDOWS)))


class PopularArgsSchema(PaginationArgsSchema):
    genre = ma.fields.String(validate=[ma.validate.Length(min=1, max=60), refuse_nul], metadata={
        "description": "A genre slug: its most watched titles. Without it: one row per genre (pages count rows)"})


POPULAR_ENTRY = OneOfNested([RecommendationSchema, GenreRowSchema], pick=lambda value: 1 if "items" in value else 0)


class TrainingResultSchema(CamelSchema):
    version = ma.fields.String(required=True)
    model = ma.fields.String(required=True, metadata={"enum": ["ease", "als"]})
    trained_at = ma.fields.Integer(required=True, metadata={"description": "epoch ms"})
    users = ma.fields.Integer(required=True)
    items = ma.fields.Integer(required=True)
    interactions = ma.fields.Integer(required=True)
    fit_seconds = ma.fields.Float(required=True)
    seconds = ma.fields.Float(required=True, metadata={"description": "the whole training, ranking included"})
    evaluation = ma.fields.Dict(allow_none=True, metadata={
        "description": "ndcg@10, recall@20, testUsers, holdout: the same model refitted without each user's "
                       "latest 20 % and measured on them; null when no history was long enough"})


class TrainingJobSchema(CamelSchema):
    id = ma.fields.String(required=True)
    state = ma.fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    stage = ma.fields.String(allow_none=True, metadata={"example": "fitting ease"})
    progress = ma.fields.Float(required=True, metadata={"description": "0 to 1"})
    trigger = ma.fields.String(allow_none=True)
    queued_at = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms"})
    started_at = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms"})
    finished_at = ma.fields.Integer(allow_none=True, metadata={"description": "epoch ms"})
    result = ma.fields.Nested(TrainingResultSchema, allow_none=True)
    error = ma.fields.String(allow_none=True)
