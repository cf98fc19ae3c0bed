"""Pagination for list routes: query args, a count and a page of a ``select()``."""
from __future__ import annotations

import math

import marshmallow as ma
from sqlalchemy import Select, func, select

from app.core.schemas import CamelSchema


class PaginationArgsSchema(CamelSchema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


def page_meta(page: int, per_page: int, total: int) -> dict:
    return {"page": page, "perPage": per_page, "total": total, "pages": math.ceil(total / per_page) if per_page else 0}


def paginate(session, stmt: Select, page: int, per_page: int, *, scalars: bool = True) -> tuple[list, dict]:
    """Run ``stmt`` for one page; returns ``(items, meta)``."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    result = session.execute(paged)
    items = list(result.scalars() if scalars else result)
    return items, page_meta(page, per_page, total)
