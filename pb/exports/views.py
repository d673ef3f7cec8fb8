"""CSV downloads: thin views over pb.exports.services, which decides who may have each file."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from pb.exports import services
from pb.public.services import visible_round
from pb.rounds import services as rounds
from pb.rounds.models import Phase

bp = Blueprint("exports", __name__)


def _download(data: bytes, filename: str, *, private: bool = True) -> Response:
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:  # staff files: never kept by a shared cache or the browser's history
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/manage/rounds/<int:round_id>/proposals.csv")
def proposals(round_id: int):  # type: ignore[no-untyped-def]
    round_ = rounds.get_round(round_id)
    data = services.proposals_csv(round_, current_user)
    return _download(data, f"round-{round_.id}-proposals.csv")


@bp.get("/manage/rounds/<int:round_id>/participation.csv")
def participation(round_id: int):  # type: ignore[no-untyped-def]
    round_ = rounds.get_round(round_id)
    data = services.participation_csv(round_, current_user)
    return _download(data, f"round-{round_.id}-participation.csv")


@bp.get("/rounds/<int:round_id>/results.csv")
def results(round_id: int):  # type: ignore[no-untyped-def]
    round_ = visible_round(round_id)
    user = current_user if current_user.is_authenticated else None
    data = services.results_csv(round_, user)
    published = round_.phase is Phase.PUBLISHED  # before that, only checkers see it
    return _download(data, f"round-{round_.id}-results.csv", private=not published)


@bp.get("/moderation/comments.csv")
def comments():  # type: ignore[no-untyped-def]
    return _download(services.comments_csv(current_user), "comments.csv")
