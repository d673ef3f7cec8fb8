"""The results page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.errors import InvalidInput
from pb.i18n import format_day, format_money, format_number, localised, text_direction
from pb.labels import rule_text, tie_break_text
from pb.public import page_cache
from pb.public.services import visible_round
from pb.results import charts, engine, explanation, services, ties
from pb.results.forms import TieDecisionForm
from pb.results.why import why_page
from pb.rounds import amendments
from pb.rounds import services as rounds

bp = Blueprint("results", __name__)


@bp.get("/rounds/<int:round_id>/results")
@page_cache.for_visitors
def show(round_id: int):  # type: ignore[no-untyped-def]
    """Funded and unfunded projects, votes, costs, the rule, charts, and why each project lost."""
    round_ = visible_round(round_id)
    page = services.results_page(round_, current_user)
    result, currency = page.result, round_.currency
    rtl = text_direction() == "rtl"
    lines = page.funded + page.unfunded
    titles = {item.project.id: localised(item.project, "title") for item in lines}
    by_votes = sorted(lines, key=lambda item: (-item.line.votes, item.line.rank))
    funded_mark = _("funded")
    outcome = explanation.read_outcome(result.outcome_json)
    by_day, weekly = charts.weekly_when_long(charts.participation_by_day(round_.id))
    by_ward = charts.participation_by_ward(round_.id)
    return render_template(
        "results/show.html",
        page=page,
        round=round_,
        amendments=amendments.amendments_of(round_),
        rule=rule_text(result.rule, engine.describe_rule(result.rule)),
        tie_break=tie_break_text(result.tie_break, engine.describe_tie_break(result.tie_break)),
        reason_text=engine.reason_text,
        titles=titles,
        tie_decisions=[
            (
                _(" before ").join(f"{pid}. {titles.get(pid, '')}" for pid in entry["order"]),
                entry["reason"],
            )
            for entry in ties.decision_entries(round_)
        ],
        tie_form=TieDecisionForm() if ties.may_decide(round_, current_user) else None,
        budget_chart=charts.budget_line(
            [
                (titles[i.project.id], i.line.cost, format_money(i.line.cost, currency))
                for i in page.funded
            ],
            result.budget,
            format_money(page.budget_left, currency),
            rtl,
        ),
        votes_chart=charts.bar_chart(
            [
                charts.Row(
                    titles[i.project.id] + (f" ({funded_mark})" if i.line.funded else ""),
                    i.line.votes,
                    format_number(i.line.votes),
                    i.line.funded,
                )
                for i in by_votes
            ],
            rtl,
        ),
        day_chart=charts.bar_chart(
            [
                charts.Row(
                    _("Week of %(day)s", day=format_day(day)) if weekly else format_day(day),
                    count,
                    format_number(count),
                )
                for day, count in by_day
            ],
            rtl,
        ),
        weekly=weekly,
        ward_chart=charts.bar_chart(
            [charts.Row(name, count, format_number(count)) for name, count in by_ward], rtl
        ),
        explanations=explanation.explain(outcome, currency) if outcome else [],
        equal_shares=bool(outcome and explanation.uses_equal_shares(outcome)),
        equal_share=format_money(
            explanation.equal_share(outcome, result.ballot_count) if outcome else None, currency
        ),
    )


@bp.get("/rounds/<int:round_id>/results/why")
def why(round_id: int):  # type: ignore[no-untyped-def]
    """Why these projects won or lost, for a ballot choosing exactly the ticked projects (read
    from the stored outcome only; the choices are not stored or logged)."""
    round_ = visible_round(round_id)
    chosen = {int(value) for value in request.args.getlist("choice") if value.isdigit()}
    titles = {
        proposal.id: localised(proposal, "title") for proposal in rounds.ballot_projects(round_)
    }
    page = why_page(round_, current_user, chosen, titles)
    return render_template("results/why.html", round=round_, page=page, asked=bool(chosen))


@bp.post("/manage/rounds/<int:round_id>/tie-decision")
def decide_tie(round_id: int):  # type: ignore[no-untyped-def]
    """Record the council's decision at a tie, with its reason, and count the round again."""
    round_ = rounds.get_managed_round(current_user, round_id)
    form = TieDecisionForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Give the projects in the order decided, and the reason."))
    ties.decide(round_, ties.parse_order(form.order.data), form.reason.data, current_user)
    flash(_("The tie decision was recorded and the votes were counted again."), "success")
    return redirect(url_for("results.show", round_id=round_.id))
