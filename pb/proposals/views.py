"""Citizens propose and edit; officers review."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.errors import Conflict, DomainError, NotFound
from pb.extensions import db
from pb.forms import accepts_files, apply_error, form_status
from pb.media import images
from pb.media.forms import uploaded_bytes
from pb.proposals import conflicts as conflict_groups
from pb.proposals import services
from pb.proposals.forms import (
    ConflictForm,
    InternalNoteForm,
    ProposalForm,
    ReviewForm,
    WithdrawConflictForm,
)
from pb.public import browse
from pb.public.services import visible_round
from pb.rounds.models import Round

bp = Blueprint("proposals", __name__)


@bp.before_request
def _allow_image_uploads() -> None:
    """The proposal form takes a picture as large as a phone's."""
    if request.endpoint in ("proposals.new", "proposals.edit"):
        request.max_content_length = images.MAX_BYTES + 64 * 1024


@bp.get("/rounds/<int:round_id>/proposals")
def index(round_id: int):  # type: ignore[no-untyped-def]
    """A round's proposals as cards, filtered and sorted by the GET form above them."""
    round_ = visible_round(round_id)
    reader = current_user if current_user.is_authenticated else None
    return render_template(
        "proposals/index.html", round=round_, view=browse.browse(round_, request.args, reader)
    )


@bp.route("/rounds/<int:round_id>/proposals/new", methods=["GET", "POST"])
@accepts_files("image")
def new(round_id: int):  # type: ignore[no-untyped-def]
    """Propose a project."""
    round_ = visible_round(round_id)
    try:
        services.check_can_propose(round_, current_user)
    except DomainError as error:
        if request.method == "GET":  # say so on arrival, not after the whole form is filled in
            page = render_template("proposals/form.html", round=round_, refusal=str(error))
            return page, error.status_code
    form = ProposalForm()
    form.configure(round_)
    if form.validate_on_submit():
        try:
            proposal = services.submit(round_, _draft(form), author=current_user)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Thank you! Your proposal was submitted."), "success")
            return redirect(url_for("public.project", round_id=round_.id, proposal_id=proposal.id))
    status = form_status(form)
    return render_template("proposals/form.html", form=form, round=round_, proposal=None), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@accepts_files("image")
def edit(proposal_id: int):  # type: ignore[no-untyped-def]
    """Edit your own proposal until the review starts."""
    proposal = services.get_proposal(proposal_id)
    services.check_editable_by(proposal, current_user)
    form = ProposalForm(
        data={
            "title": proposal.title,
            "description": proposal.description,
            "estimated_cost": proposal.estimated_cost,
            "ward": proposal.ward_id,
            "category": proposal.category,
            "location": proposal.location,
        }
    )
    form.configure(proposal.round)
    if form.validate_on_submit():
        try:
            services.edit(proposal, _draft(form), author=current_user)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your changes were saved."), "success")
            return redirect(
                url_for("public.project", round_id=proposal.round_id, proposal_id=proposal.id)
            )
    status = form_status(form)
    return render_template(
        "proposals/form.html", form=form, round=proposal.round, proposal=proposal
    ), status


@bp.get("/my/proposals")
def mine():  # type: ignore[no-untyped-def]
    """The proposals you submitted."""
    return render_template("proposals/mine.html", proposals=services.proposals_by(current_user))


@bp.get("/review")
def review_queue():  # type: ignore[no-untyped-def]
    """Proposals waiting for an officer's review in your wards."""
    return render_template("proposals/queue.html", proposals=services.review_queue(current_user))


@bp.route("/review/proposals/<int:proposal_id>", methods=["GET", "POST"])
def review(proposal_id: int):  # type: ignore[no-untyped-def]
    """Review one proposal: feasible (with a final cost) or not, with a public reason."""
    proposal = services.get_proposal(proposal_id)
    if not services.can_review(current_user, proposal):
        raise NotFound(_("No such proposal in your wards."))
    form = ReviewForm()
    form.final_cost.currency = proposal.round.currency
    if not form.is_submitted():
        form.final_cost.data = proposal.final_cost or proposal.estimated_cost
    if form.validate_on_submit():
        try:
            services.review(
                proposal,
                officer=current_user,
                feasible=form.decision.data == "feasible",
                reason=form.reason.data,
                final_cost=form.final_cost.data,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Review saved."), "success")
            return redirect(url_for("proposals.review_queue"))
    status = form_status(form)
    note_form = InternalNoteForm(formdata=None, data={"note": proposal.internal_note})
    return render_template(
        "proposals/review.html", form=form, note_form=note_form, proposal=proposal
    ), status


@bp.post("/review/proposals/<int:proposal_id>/note")
def note(proposal_id: int):  # type: ignore[no-untyped-def]
    """Save the officers' internal note on a proposal (never published)."""
    proposal = services.get_proposal(proposal_id)
    if not services.can_review(current_user, proposal):
        raise NotFound(_("No such proposal in your wards."))
    form = InternalNoteForm()
    if form.validate_on_submit():
        try:
            services.save_internal_note(proposal, officer=current_user, note=form.note.data or "")
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Note saved."), "success")
            return redirect(url_for("proposals.review", proposal_id=proposal.id))
    review_form = ReviewForm(formdata=None)
    review_form.final_cost.currency = proposal.round.currency
    review_form.final_cost.data = proposal.final_cost or proposal.estimated_cost
    return render_template(
        "proposals/review.html", form=review_form, note_form=form, proposal=proposal
    ), 422


@bp.route("/review/rounds/<int:round_id>/conflicts", methods=["GET", "POST"])
def conflicts(round_id: int):  # type: ignore[no-untyped-def]
    """Declare (or withdraw) proposals of a round that cannot be built together."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not conflict_groups.can_declare(current_user, round_):
        raise NotFound(_("No such round in your wards."))
    form, withdrawal = ConflictForm(), WithdrawConflictForm(prefix="withdraw")
    candidates = conflict_groups.candidates(round_)
    form.projects.choices = [(p.id, f"#{p.id} {p.title}") for p in candidates]
    status = 200
    if withdrawal.submit.data:
        status = _withdraw(round_, withdrawal)
        if status == 303:
            return redirect(url_for("proposals.conflicts", round_id=round_.id), 303)
    elif form.is_submitted():
        status = 422
        if form.validate():
            try:
                conflict_groups.declare(
                    round_, form.projects.data, form.reason.data, officer=current_user
                )
            except DomainError as error:
                apply_error(form, error)
            else:
                flash(_("Conflict declared."), "success")
                return redirect(url_for("proposals.conflicts", round_id=round_.id), 303)
    titles = {p.id: p.title for p in candidates}
    page = render_template(
        "proposals/conflicts.html", round=round_, form=form, withdrawal=withdrawal, titles=titles
    )
    return page, status


def _withdraw(round_: Round, form: WithdrawConflictForm) -> int:
    """The status of a withdrawal: 303 when done, else 409 or 422 with a message."""
    if not form.validate_on_submit():
        return 422
    try:
        group = [int(part) for part in form.group.data.split(",")]
        conflict_groups.withdraw(round_, group, officer=current_user)
    except ValueError:
        flash(_("No such conflict in this round."), "error")
        return 422
    except DomainError as error:
        flash(str(error), "error")
        return 409 if isinstance(error, Conflict) else 422
    flash(_("Conflict withdrawn."), "success")
    return 303


def _draft(form: ProposalForm) -> services.ProposalDraft:
    return services.ProposalDraft(
        title=form.title.data,
        description=form.description.data,
        estimated_cost=form.estimated_cost.data,
        ward_id=form.ward.data,
        category=form.category.data,
        location=form.location.data or "",
        image=uploaded_bytes(form.image),
        image_alt=form.image_alt.data or "",
    )
