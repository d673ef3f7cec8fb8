"""Published aggregates of ratings: per criterion the mean and the distribution of marks, and
how many residents rated; only when at least k did.

They are recomputed when a window has closed and at most once a day while it is open (`flask
pb assessment-aggregate`, run hourly by a timer), never at each rating: comparing the figures
before and after one resident's rating would otherwise reveal that rating.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select

from pb.assessment.models import SCALE, Criterion, ProjectAssessment, Rating, Score
from pb.audit import services as audit
from pb.extensions import db

REFRESH = timedelta(days=1)


def compute(assessment: ProjectAssessment) -> dict[str, Any]:
    """What may be published now: {} below k raters."""
    raters = (
        db.session.scalar(
            select(func.count(Rating.id)).where(Rating.proposal_id == assessment.proposal_id)
        )
        or 0
    )
    if raters < assessment.min_raters:
        return {}
    counts = db.session.execute(
        select(Score.criterion_id, Score.value, func.count())
        .join(Rating, Rating.id == Score.rating_id)
        .where(Rating.proposal_id == assessment.proposal_id)
        .group_by(Score.criterion_id, Score.value)
    ).all()
    query = select(Criterion.id).where(Criterion.round_id == assessment.round_id)
    lines = []
    for criterion_id in db.session.scalars(query.order_by(Criterion.position)):
        distribution = [0] * SCALE
        for cid, value, count in counts:
            if cid == criterion_id:
                distribution[value - 1] = count
        total = sum(distribution)
        mean = Fraction(sum((i + 1) * n for i, n in enumerate(distribution)), total or 1)
        lines.append(
            {
                "criterion_id": criterion_id,
                "distribution": distribution,
                "answers": total,
                "mean": f"{float(mean):.2f}" if total else None,
            }
        )
    return {"count": raters, "criteria": lines}


def refresh(assessment: ProjectAssessment, now: datetime) -> bool:
    """Recompute if due: once after the close (final), else once a day. True if recomputed."""
    if assessment.final:
        return False
    closed = now >= assessment.closes_at
    last = assessment.aggregated_at
    if not closed and last is not None and now - last < REFRESH:
        return False
    assessment.aggregate = compute(assessment)
    assessment.aggregated_at, assessment.final = now, closed
    db.session.flush()
    published = assessment.aggregate.get("count")  # None below k: not even the count is logged
    data = {"final": closed, "published": published is not None, "count": published}
    audit.record("assessment.aggregated", assessment.proposal, data)
    return True


def refresh_all(now: datetime) -> int:
    """Every assessment whose figures are due; returns how many were recomputed."""
    query = select(ProjectAssessment).where(ProjectAssessment.final.is_(False))
    return sum(refresh(found, now) for found in db.session.scalars(query).all())
