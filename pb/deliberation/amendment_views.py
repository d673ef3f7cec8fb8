"""Amendments to a proposal, its version history, and officers merging similar proposals."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.deliberation import amendments, merging, moderation
from pb.deliberation.forms import (
    AmendmentForm,
    DecisionForm,
    MergeForm,
)
from pb.deliberation.routing import bp, posting_limit, visible_proposal
from pb.errors import InvalidInput
from pb.forms import apply_error, form_status
from pb.proposals.models import Proposal
from pb.public.services import visible_round

# --- amendments and history --------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/amendments/new", methods=["GET", "POST"])
@posting_limit
def amendment_new(proposal_id: int):  # type: ignore[no-untyped-def]
    """Propose an amendment to someone else's proposal."""
    proposal = visible_proposal(proposal_id)
    form = AmendmentForm(
        data={
            "title": proposal.title,
            "description": proposal.description,
            "estimated_cost": proposal.estimated_cost,
        }
    )
    form.estimated_cost.currency = proposal.round.currency
    if form.validate_on_submit():
        draft = amendments.AmendmentDraft(
            form.title.data, form.description.data, form.estimated_cost.data, form.reason.data
        )
        try:
            amendment = amendments.propose(proposal, current_user, draft)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your amendment was sent to the proposal's author."), "success")
            return redirect(url_for("deliberation.amendment", amendment_id=amendment.id))
    elif not form.is_submitted():
        amendments.check_can_propose(proposal, current_user)
    return render_template(
        "deliberation/amendment_form.html", form=form, proposal=proposal
    ), form_status(form)


@bp.get("/amendments/<int:amendment_id>")
def amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """An amendment, its changes against the current proposal, and its decision."""
    item = amendments.get_amendment(amendment_id)
    proposal = visible_proposal(item.proposal_id)
    return _render_amendment(item, proposal, DecisionForm()), 200


@bp.post("/amendments/<int:amendment_id>/decide")
def amendment_decide(amendment_id: int):  # type: ignore[no-untyped-def]
    """The proposal's author accepts or rejects an amendment."""
    item = amendments.get_amendment(amendment_id)
    proposal = visible_proposal(item.proposal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            amendments.decide(
                item,
                current_user,
                accept=form.decision.data == "accept",
                reason=form.reason.data or "",
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your decision was saved."), "success")
            return redirect(url_for("deliberation.amendment", amendment_id=item.id))
    return _render_amendment(item, proposal, form), 422


def _render_amendment(item, proposal: Proposal, form: DecisionForm) -> str:  # type: ignore[no-untyped-def]
    title_diff, description_diff = amendments.diff_against_current(item)
    return render_template(
        "deliberation/amendment.html",
        amendment=item,
        proposal=proposal,
        form=form,
        title_diff=title_diff,
        description_diff=description_diff,
        can_decide=current_user.is_authenticated
        and proposal.author_id == current_user.id
        and item.status.value == "pending",
    )


@bp.get("/proposals/<int:proposal_id>/history")
def history(proposal_id: int):  # type: ignore[no-untyped-def]
    """Every version of a proposal with what changed, who changed it and why."""
    proposal = visible_proposal(proposal_id)
    return render_template(
        "deliberation/history.html",
        proposal=proposal,
        versions=amendments.history(proposal),
        hidden_reason=moderation.hidden_reasons([proposal.id]).get(proposal.id),
    )


# --- merging -----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/merge", methods=["GET", "POST"])
def merge(round_id: int):  # type: ignore[no-untyped-def]
    """Merge similar proposals of your wards into one."""
    round_ = visible_round(round_id)
    candidates = merging.mergeable(current_user, round_)
    by_id = {p.id: p for p in candidates}
    form = MergeForm()
    choices = [(p.id, f"#{p.id} {p.title}") for p in candidates]
    form.target.choices = choices
    form.sources.choices = choices
    if form.validate_on_submit():
        try:
            moved = merging.merge(
                by_id[form.target.data],
                [by_id[pid] for pid in form.sources.data],
                officer=current_user,
                reason=form.reason.data,
                title=form.title.data or None,
                description=form.description.data or None,
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(
                _("The proposals were merged; %(count)d supports moved over.", count=moved),
                "success",
            )
            return redirect(
                url_for("public.project", round_id=round_.id, proposal_id=form.target.data)
            )
    return render_template(
        "deliberation/merge.html", form=form, round=round_, candidates=candidates
    ), form_status(form)
