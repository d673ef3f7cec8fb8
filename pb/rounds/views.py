"""The councillor's area: configure rounds and move them through their phases."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import clock
from pb.errors import Conflict, DomainError, InvalidInput
from pb.forms import apply_error, form_status
from pb.labels import PHASE_LABELS
from pb.results import comparison, engine
from pb.results import services as results
from pb.rounds import amendments, services
from pb.rounds.forms import AdvanceForm, EndVotingForm, ExtendVotingForm, RoundForm
from pb.rounds.models import Phase, Round
from pb.voting.formats import BALLOT_FORMATS

bp = Blueprint("rounds", __name__, url_prefix="/manage")


@bp.get("/rounds")
def index():  # type: ignore[no-untyped-def]
    """The rounds of the wards you are councillor for."""
    return render_template("rounds/index.html", rounds=services.managed_rounds(current_user))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new():  # type: ignore[no-untyped-def]
    """Configure a new round (it starts as a draft). `?category=...` (repeated) pre-fills the
    categories, e.g. from a ward's focus (pb/community), so rounds need not know who sent them."""
    suggested = [" ".join(c.split())[:80] for c in request.args.getlist("category")[:20]]
    form = RoundForm(
        data={"categories": "\n".join(c for c in suggested if c)} if suggested else None
    )
    return _save(form, None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
def edit(round_id: int):  # type: ignore[no-untyped-def]
    """Change a round's configuration until voting opens."""
    round_ = services.get_managed_round(current_user, round_id)
    if round_.is_frozen:
        raise Conflict(_("Voting has opened: this round's configuration is frozen."))
    form = RoundForm(data=RoundForm.data_from(round_))
    return _save(form, round_)


@bp.get("/rounds/<int:round_id>")
def show(round_id: int):  # type: ignore[no-untyped-def]
    """A round's dashboard: its phase, what the next step needs, its counts."""
    round_ = services.get_managed_round(current_user, round_id)
    return _dashboard(round_, ExtendVotingForm(prefix="extend"), EndVotingForm(prefix="end"))


def _dashboard(round_: Round, extend_form: ExtendVotingForm, end_form: EndVotingForm):  # type: ignore[no-untyped-def]
    following = services.next_phase(round_)
    return render_template(
        "rounds/show.html",
        round=round_,
        amendments=amendments.amendments_of(round_),
        extend_form=extend_form,
        end_form=end_form,
        summary=services.dashboard(round_),
        next_phase=following,
        not_before=_not_before(round_, following),
        advance_form=AdvanceForm(from_phase=round_.phase.value),
        ballot_format=BALLOT_FORMATS[round_.ballot_format],
        # why a closed round is not counted yet (paper ballots still being keyed), or None
        count_held=results.count_held(round_) if round_.phase is Phase.CLOSED else None,
    )


def _not_before(round_: Round, target: Phase | None) -> datetime | None:
    """When the next step's dates still forbid it, the moment they allow it."""
    opens = services.available_from(round_, target) if target else None
    return opens if opens is not None and clock.now() < opens else None


@bp.post("/rounds/<int:round_id>/advance")
def advance(round_id: int):  # type: ignore[no-untyped-def]
    """Move the round to its next phase (opening voting freezes it; closing tallies it)."""
    round_ = services.get_managed_round(current_user, round_id)
    form = AdvanceForm()
    if not form.validate_on_submit():
        raise Conflict(_("Your form expired. Please reload the page and try again."))
    if form.from_phase.data != round_.phase.value:
        raise Conflict(_("This round has already moved on. Reload the page to see its phase."))
    phase = services.advance_phase(round_, actor=current_user)
    flash(_("The round is now in the phase: %(phase)s.", phase=PHASE_LABELS[phase]), "success")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/extend-voting")
def extend_voting(round_id: int):  # type: ignore[no-untyped-def]
    """Extend voting to a later closing date, with a public reason (an audited amendment)."""
    round_ = services.get_managed_round(current_user, round_id)
    amendments.check_amendable(round_)
    form = ExtendVotingForm(prefix="extend")
    if form.validate_on_submit():
        try:
            amendments.extend_voting(
                round_, form.close_at_utc(), form.reason.data, actor=current_user
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Voting was extended. The reason is shown on the round's page."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return _dashboard(round_, form, EndVotingForm(prefix="end")), 422


@bp.post("/rounds/<int:round_id>/end-voting")
def end_voting(round_id: int):  # type: ignore[no-untyped-def]
    """End voting now and count the votes, with a public reason (an audited amendment)."""
    round_ = services.get_managed_round(current_user, round_id)
    amendments.check_amendable(round_)
    form = EndVotingForm(prefix="end")
    if form.validate_on_submit():
        try:
            amendments.end_voting_early(round_, form.reason.data, actor=current_user)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Voting was ended early and the votes were counted."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    return _dashboard(round_, ExtendVotingForm(prefix="extend"), form), 422


def _save(form: RoundForm, round_: Round | None):  # type: ignore[no-untyped-def]
    form.configure([(ward.id, ward.name) for ward in current_user.wards])
    if form.validate_on_submit():
        try:
            settings = form.settings()
            if round_ is None:
                round_ = services.create_round(settings, actor=current_user)
            else:
                services.update_round(round_, settings, actor=current_user)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("The round was saved."), "success")
            return redirect(url_for("rounds.show", round_id=round_.id))
    status = form_status(form)
    ward_ids = [ward.id for ward in (round_.wards if round_ else current_user.wards)]
    return render_template(
        "rounds/form.html",
        form=form,
        round=round_,
        formats=BALLOT_FORMATS.values(),
        rules=engine.rule_options(),
        past_round=comparison.past_round(ward_ids, current_user, round_.id if round_ else None),
    ), status
