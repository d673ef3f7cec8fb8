"""The outcomes report: a page (printable: the print stylesheet drops the site's chrome) and a
CSV, per published round and per ward. Thin: figures from pb.outcomes.services, words and CSV
rows from pb.outcomes.words, bars from pb.results.charts."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from pb.delivery.labels import status_label
from pb.exports.csvfile import csv_bytes
from pb.i18n import format_money, format_number, localised, text_direction
from pb.outcomes import services, words
from pb.outcomes.services import Report
from pb.public.services import visible_round
from pb.results import charts
from pb.volunteering import ledger

bp = Blueprint("outcomes", __name__)


def _viewer():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


@bp.get("/rounds/<int:round_id>/outcomes")
def round_report(round_id: int):  # type: ignore[no-untyped-def]
    """Money, delivery, residents' time, ratings and participation of a published round."""
    report = services.round_report(visible_round(round_id), _viewer())
    return _page(report)


@bp.get("/rounds/<int:round_id>/outcomes.csv")
def round_csv(round_id: int):  # type: ignore[no-untyped-def]
    report = services.round_report(visible_round(round_id), _viewer())
    return _csv(report, f"round-{round_id}-outcomes.csv")


@bp.get("/wards/<int:ward_id>/outcomes")
def ward_report(ward_id: int):  # type: ignore[no-untyped-def]
    """The same for a ward, over every published round's projects in it."""
    return _page(services.ward_report(ward_id))


@bp.get("/wards/<int:ward_id>/outcomes.csv")
def ward_csv(ward_id: int):  # type: ignore[no-untyped-def]
    return _csv(services.ward_report(ward_id), f"ward-{ward_id}-outcomes.csv")


def _page(report: Report) -> str:
    rtl = text_direction() == "rtl"
    money = report.currency
    titles = {line.proposal.id: localised(line.proposal, "title") for line in report.projects}
    money_rows = [
        charts.Row(_("Allocated"), report.allocated, format_money(report.allocated, money)),
        charts.Row(_("Spent so far"), report.spent, format_money(report.spent, money)),
        charts.Row(
            _("Allocated to projects delivered on time"),
            sum(line.allocated for line in report.on_time),
            format_money(sum(line.allocated for line in report.on_time), money),
            highlight=True,
        ),
    ]
    value_rows = [
        charts.Row(
            _("Public money allocated"), report.allocated, format_money(report.allocated, money)
        ),
        charts.Row(
            _("Value of residents' time given"),
            report.time_value,
            format_money(report.time_value, money),
            highlight=True,
        ),
    ]
    people = report.people
    people_rows = [
        charts.Row(_("Proposed projects"), people.proposers, format_number(people.proposers)),
        charts.Row(_("Commented"), people.commenters, format_number(people.commenters)),
        charts.Row(_("Voted"), people.voters, format_number(people.voters)),
        charts.Row(_("Volunteered"), people.volunteers, format_number(people.volunteers)),
    ]
    if people.raters is not None:
        people_rows.append(
            charts.Row(_("Rated delivered projects"), people.raters, format_number(people.raters))
        )
    rating_rows = [
        charts.Row(line.label, round(float(line.mean or 0) * 100), line.mean or "")
        for line in report.ratings.criteria
    ]
    return render_template(
        "outcomes/report.html",
        ratings_chart=charts.bar_chart(rating_rows, rtl),
        report=report,
        titles=titles,
        status_label=status_label,
        summary=words.summary(report),
        money_chart=charts.bar_chart(money_rows, rtl),
        value_chart=charts.bar_chart(value_rows, rtl),
        people_chart=charts.bar_chart(people_rows, rtl),
        hours=ledger.hours_text,
    )


def _csv(report: Report, filename: str) -> Response:
    response = Response(csv_bytes(words.CSV_HEADER, words.csv_rows(report)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
