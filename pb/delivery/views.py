"""Delivery pages: the public plan of a funded project, and the ward officer's editing page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from pb.delivery import services
from pb.delivery.forms import (
    MilestoneDoneForm,
    MilestoneForm,
    ProgressForm,
    StatusForm,
    UpdateForm,
)
from pb.delivery.models import DeliveryStatus
from pb.errors import DomainError
from pb.forms import accepts_files, apply_error
from pb.media import images
from pb.media.forms import uploaded_bytes
from pb.proposals.models import Proposal

bp = Blueprint("delivery", __name__)
MANAGE = "/manage/rounds/<int:round_id>/projects/<int:proposal_id>/delivery"


@bp.before_request
def _allow_photo_uploads() -> None:
    """Only the update form takes a photo as large as a phone's."""
    if request.endpoint == "delivery.update_post":
        request.max_content_length = images.MAX_BYTES + 64 * 1024


@bp.get("/rounds/<int:round_id>/projects/<int:proposal_id>/delivery")
def show(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """A funded project's delivery: status and reasons, progress, spend, milestones, updates."""
    proposal = services.funded_project(round_id, proposal_id)
    editor = current_user.is_authenticated and current_user.role == "officer"
    return render_template(
        "delivery/show.html",
        proposal=proposal,
        round=proposal.round,
        plan=services.shown_plan(proposal),
        can_edit=editor and current_user.works_for({proposal.ward_id}),
    )


@bp.get("/manage/delivery")
def index():  # type: ignore[no-untyped-def]
    """The funded projects of the officer's wards, with their delivery state."""
    return render_template("delivery/index.html", projects=services.officer_projects(current_user))


@bp.get(MANAGE)
def manage(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """The officer's page for one project's plan."""
    proposal = services.funded_project(round_id, proposal_id)
    services.check_editor(current_user, proposal)
    return _manage_page(proposal)


@bp.post(MANAGE + "/status")
def status(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Change the delivery status, with a public reason."""
    form = StatusForm(prefix="status")
    return _act(
        round_id,
        proposal_id,
        form,
        "status_form",
        lambda p: services.change_status(
            current_user, p, DeliveryStatus(form.status.data), form.reason.data or ""
        ),
    )


@bp.post(MANAGE + "/progress")
def progress(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Record the progress and the spend to date."""
    form = ProgressForm(prefix="progress")
    return _act(
        round_id,
        proposal_id,
        form,
        "progress_form",
        lambda p: services.set_progress(
            current_user, p, form.progress.data or 0, form.spent.data or 0
        ),
    )


@bp.post(MANAGE + "/milestones")
def milestone_add(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Add a milestone with its due date."""
    form = MilestoneForm(prefix="milestone")
    return _act(
        round_id,
        proposal_id,
        form,
        "milestone_form",
        lambda p: services.add_milestone(current_user, p, form.title.data or "", form.due_on.data),
    )


@bp.post(MANAGE + "/milestones/reached")
def milestone_done(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Mark a milestone as reached on a date."""
    form = MilestoneDoneForm(prefix="reached")
    number = form.milestone.data or ""
    return _act(
        round_id,
        proposal_id,
        form,
        "done_form",
        lambda p: services.complete_milestone(
            current_user,
            p,
            int(number) if number.isdigit() and len(number) < 10 else 0,
            form.done_on.data,
        ),
    )


@bp.post(MANAGE + "/updates")
@accepts_files("update-photo")
def update_post(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Publish a dated update, with an optional photo."""
    form = UpdateForm(prefix="update")
    return _act(
        round_id,
        proposal_id,
        form,
        "update_form",
        lambda p: services.post_update(
            current_user,
            p,
            form.happened_on.data,
            form.body.data or "",
            uploaded_bytes(form.photo),
            form.photo_alt.data or "",
        ),
    )


def _act(round_id: int, proposal_id: int, form: FlaskForm, name: str, action: Any):  # type: ignore[no-untyped-def]
    proposal = services.funded_project(round_id, proposal_id)
    services.check_editor(current_user, proposal)
    if isinstance(form, ProgressForm):
        form.spent.currency = proposal.round.currency
    if form.validate_on_submit():
        try:
            action(proposal)
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            return redirect(url_for("delivery.manage", round_id=round_id, proposal_id=proposal_id))
    return _manage_page(proposal, **{name: form}), 422


def _manage_page(proposal: Proposal, **forms: FlaskForm) -> str:
    plan = services.shown_plan(proposal)
    progress_form = forms.get("progress_form") or ProgressForm(
        formdata=None, prefix="progress", progress=plan.progress, spent=plan.spent or None
    )
    progress_form.spent.currency = proposal.round.currency
    return render_template(
        "delivery/manage.html",
        proposal=proposal,
        round=proposal.round,
        plan=plan,
        status_form=forms.get("status_form") or StatusForm(formdata=None, prefix="status"),
        progress_form=progress_form,
        milestone_form=forms.get("milestone_form")
        or MilestoneForm(formdata=None, prefix="milestone"),
        done_form=forms.get("done_form") or MilestoneDoneForm(formdata=None, prefix="reached"),
        update_form=forms.get("update_form") or UpdateForm(formdata=None, prefix="update"),
    )
