"""Paper entry pages for the officers of a round's wards (pb.access.PAPER_CLERKS)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.errors import Conflict, InvalidInput
from pb.forms import apply_error, options
from pb.i18n import localised
from pb.paper import services, sheets
from pb.paper.forms import BatchForm, CompleteForm, ReadingForm, ResolveForm
from pb.paper.models import BatchStatus
from pb.rounds import services as round_services
from pb.voting.formats import get_format

bp = Blueprint("paper", __name__)
ROUND = "/manage/rounds/<int:round_id>/paper"


def _reading(sheet: sheets.Sheet, kind: str, titles: dict[int, str]) -> tuple[str, str]:
    """A reading of one sheet as keyed, and the titles of the projects it names."""
    ordered = sheets.as_line(sheet, kind)
    pairs = sorted(sheet, key=lambda pair: pair[1]) if kind == "rank" else sheet
    named = ", ".join(titles.get(pid, str(pid)) for pid, _value in pairs)
    return ordered, named


@bp.get("/manage/paper")
def rounds():  # type: ignore[no-untyped-def]
    """The closed rounds of your wards, with the people marked in their paper registers."""
    return render_template("paper/rounds.html", rounds=services.rounds_of(current_user))


def _render_index(round_, form: BatchForm, status: int = 200):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "paper/index.html",
            round=round_,
            form=form,
            complete_form=CompleteForm(),
            batches=services.batches(round_),
            progress=services.progress(round_),
            problem=services.entry_problem(round_),
        ),
        status,
    )


def _batch_form(round_) -> BatchForm:  # type: ignore[no-untyped-def]
    form = BatchForm()
    mine = {ward.id for ward in current_user.wards}
    form.ward_id.choices = options((w.id, w.name) for w in round_.wards if w.id in mine)
    return form


@bp.get(ROUND)
def index(round_id: int):  # type: ignore[no-untyped-def]
    """The round's paper batches, the register marks, and completing paper entry."""
    round_ = services.entry_round(current_user, round_id)
    return _render_index(round_, _batch_form(round_))


@bp.post(ROUND + "/batches")
def open_batch(round_id: int):  # type: ignore[no-untyped-def]
    """Open a batch of hand-counted sheets from one ward's box."""
    round_ = services.entry_round(current_user, round_id)
    form = _batch_form(round_)
    if form.validate_on_submit():
        try:
            batch = services.open_batch(
                round_, form.ward_id.data, form.label.data, form.size.data, actor=current_user
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("The batch is open: two people now key it, each on their own."), "success")
            return redirect(url_for("paper.batch", round_id=round_.id, batch_id=batch.id))
    return _render_index(round_, form, 422)


def _render_batch(round_, batch, form: ReadingForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    kind = get_format(round_.ballot_format).input_kind
    keyers = {reading.user_id for reading in batch.readings}
    may_key = batch.status is BatchStatus.ENTERING and current_user.id not in keyers
    lines = []
    if batch.status is not BatchStatus.ENTERING:
        titles = {p.id: localised(p, "title") for p in round_services.ballot_projects(round_)}
        first, second = (reading.ballots for reading in batch.readings)
        lines = [
            (
                d,
                _reading(first[d.position - 1], kind, titles),
                _reading(second[d.position - 1], kind, titles),
            )
            for d in batch.discrepancies
        ]
    return (
        render_template(
            "paper/batch.html",
            round=round_,
            batch=batch,
            kind=kind,
            form=(form or ReadingForm()) if may_key else None,
            keyed_by_me=current_user.id in keyers,
            discrepancies=lines,
            resolve_form=ResolveForm(),
            problem=services.entry_problem(round_),
        ),
        status,
    )


@bp.get(ROUND + "/batches/<int:batch_id>")
def batch(round_id: int, batch_id: int):  # type: ignore[no-untyped-def]
    """One batch: key it, or reconcile the sheets its two readings disagree on."""
    round_ = services.entry_round(current_user, round_id)
    return _render_batch(round_, services.get_batch(round_, batch_id))


@bp.post(ROUND + "/batches/<int:batch_id>/readings")
def enter(round_id: int, batch_id: int):  # type: ignore[no-untyped-def]
    """Save one person's reading of the whole batch (the second is compared with the first)."""
    round_ = services.entry_round(current_user, round_id)
    found = services.get_batch(round_, batch_id)
    form = ReadingForm()
    if form.validate_on_submit():
        try:
            reading = services.enter_reading(round_, found, form.sheets.data, actor=current_user)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            if reading.reading == 1:
                flash(_("Saved. Someone else now keys the same batch."), "success")
            else:
                flash(_("Saved. The two readings were compared."), "success")
            return redirect(url_for("paper.batch", round_id=round_.id, batch_id=found.id))
    return _render_batch(round_, found, form, 422)


@bp.post(ROUND + "/batches/<int:batch_id>/sheets/<int:position>")
def resolve(round_id: int, batch_id: int, position: int):  # type: ignore[no-untyped-def]
    """Record which reading of a disputed sheet is right, after checking the paper."""
    round_ = services.entry_round(current_user, round_id)
    found = services.get_batch(round_, batch_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose the first or the second reading."))
    services.resolve(round_, found, position, int(form.chosen.data), actor=current_user)
    flash(_("The decision was recorded."), "success")
    return redirect(url_for("paper.batch", round_id=round_.id, batch_id=found.id))


@bp.post(ROUND + "/complete")
def complete(round_id: int):  # type: ignore[no-untyped-def]
    """Close paper entry (every batch reconciled) and count the round."""
    round_ = services.entry_round(current_user, round_id)
    if not CompleteForm().validate_on_submit():
        raise Conflict(_("Your form expired. Please reload the page and try again."))
    services.complete(round_, actor=current_user)
    flash(_("Paper entry is complete and the round has been counted."), "success")
    return redirect(url_for("paper.index", round_id=round_.id))
