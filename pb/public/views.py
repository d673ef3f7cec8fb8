"""Pages anyone can read: the rounds, a round, a project; and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from pb.accounts import services as accounts
from pb.errors import NotFound
from pb.extensions import csrf
from pb.proposals import services as proposals
from pb.public import page_cache, services
from pb.results import services as results
from pb.rounds import amendments
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.security import safe_next, same_origin_request
from pb.voting import eligibility
from pb.voting import services as voting
from pb.voting.formats import get_format
from pb.wards import services as wards

bp = Blueprint("public", __name__)


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    """Rounds open now, coming up, and past, optionally for one ward."""
    ward_code = request.args.get("ward", "")
    listing = services.round_listing(ward_code or None)
    return render_template(
        "public/home.html", listing=listing, wards=wards.all_wards(), ward_code=ward_code
    )


@bp.get("/rounds/<int:round_id>")
@page_cache.for_visitors
def round(round_id: int):  # type: ignore[no-untyped-def]
    """What a round decides, its budget, phases and how to take part."""
    round_ = services.visible_round(round_id)
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "public/round.html",
        round=round_,
        projects=rounds.ballot_projects(round_) if round_.phase.reached(Phase.VOTING) else [],
        listing=proposals.round_proposals_page(round_)
        if not round_.phase.reached(Phase.VOTING)
        else None,
        accepting_proposals=rounds.accepting_proposals(round_),
        accepting_ballots=rounds.accepting_ballots(round_),
        can_take_part=bool(user and eligibility.can_take_part(user, round_)),
        has_voted=bool(user and voting.has_voted(user, round_)),
        outcomes=results.published_lines(round_, user),
        timeline=services.timeline(round_),
        amendments=amendments.amendments_of(round_),
        ballot_rules=get_format(round_.ballot_format).rules_in_words(
            round_.ballot_params, round_.budget, round_.currency
        ),
    )


@bp.get("/rounds/<int:round_id>/projects/<int:proposal_id>")
def project(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """One project or proposal in full."""
    round_ = services.visible_round(round_id)
    proposal = proposals.get_proposal(proposal_id)
    if proposal.round_id != round_.id:
        raise NotFound("")
    user = current_user if current_user.is_authenticated else None
    return render_template(
        "public/project.html",
        round=round_,
        proposal=proposal,
        outcome=results.published_lines(round_, user).get(proposal.id),
    )


@bp.post("/language")
@csrf.exempt  # checked below: a token for a signed-in user, the origin for a visitor
def set_language():  # type: ignore[no-untyped-def]
    """Remember the chosen language for this browser session, and for a signed-in user's
    e-mails and later sessions."""
    if current_user.is_authenticated:
        if current_app.config["WTF_CSRF_ENABLED"]:  # what the exempted global check would do
            csrf.protect()
    elif not same_origin_request():
        abort(400)
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            accounts.set_language(current_user, language)
    return redirect(safe_next(request.form.get("next")) or url_for("public.home"))
