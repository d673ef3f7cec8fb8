"""Co-assessment pages: the round's settings (councillors), rating a delivered project
(residents of its ward), the public assessment section, and resident inspections."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import clock
from pb.assessment import inspections, services
from pb.assessment.forms import (
    AssignForm,
    HideCommentForm,
    InspectionForm,
    RatingForm,
    ResponseForm,
    SettingsForm,
)
from pb.assessment.models import ProjectAssessment, Rating
from pb.deliberation import formatting, policy
from pb.errors import DomainError, Forbidden
from pb.extensions import db
from pb.forms import accepts_files, apply_error, form_status
from pb.media import images
from pb.media.forms import uploaded_bytes
from pb.rounds import services as rounds

bp = Blueprint("assessment", __name__)


@bp.before_request
def _allow_photo_uploads() -> None:
    """Only the inspection report takes a photo as large as a phone's."""
    if request.endpoint == "assessment.inspect":
        request.max_content_length = images.MAX_BYTES + 64 * 1024


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


@bp.app_template_global()
def assessment_of(proposal):  # type: ignore[no-untyped-def]
    """The project's rating window, if it was delivered (for the project page's section)."""
    return db.session.get(ProjectAssessment, proposal.id)


@bp.app_template_global()
def rating_open(assessment) -> bool:  # type: ignore[no-untyped-def]
    return bool(assessment.opens_at <= clock.now() < assessment.closes_at)


@bp.route("/rounds/<int:round_id>/assessment", methods=["GET", "POST"])
def settings(round_id: int):  # type: ignore[no-untyped-def]
    """The round's rating questions, k, window and e-mail delay (its councillors)."""
    round_ = rounds.get_managed_round(_me(), round_id)
    form = SettingsForm.build()
    current = services.criteria(round_)
    if form.validate_on_submit():
        values = services.Config(
            form.min_raters.data, form.window_days.data, form.email_delay_days.data
        )
        texts = [f.data or "" for f in form.criterion_fields()]
        try:
            services.save_settings(_me(), round_, values, texts)
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("assessment.settings", round_id=round_id))
    elif not form.is_submitted():
        config = services.config(round_)
        form.min_raters.data, form.window_days.data = config.min_raters, config.window_days
        form.email_delay_days.data = config.email_delay_days
        for f, criterion in zip(form.criterion_fields(), current, strict=False):
            f.data = services.label(criterion)
    status = form_status(form)
    locked = services.criteria_locked(round_)
    return render_template(
        "assessment/settings.html", round=round_, form=form, locked=locked
    ), status


@bp.route("/rounds/<int:round_id>/projects/<int:proposal_id>/assessment")
def project(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """What residents made of a delivered project: figures (k or more raters), comments without
    names, inspection reports and the council's answers."""
    assessment = services.get_assessment(round_id, proposal_id)
    criteria = services.criteria(assessment.proposal.round)
    labels = {c.id: services.label(c) for c in criteria}
    published = assessment.aggregate.get("count") is not None
    comments = []
    if published:
        query = db.select(Rating).where(Rating.proposal_id == proposal_id, Rating.comment != "")
        comments = sorted(db.session.scalars(query), key=lambda r: r.comment)
    return render_template(
        "assessment/project.html",
        assessment=assessment,
        proposal=assessment.proposal,
        labels=labels,
        published=published,
        comments=comments,
        render=formatting.render,
        reports=inspections.of_project(assessment, filed_only=True),
        checklist=inspections.CHECKLIST,
        answers=inspections.ANSWERS,
        now=clock.now(),
        can_manage=current_user.is_authenticated and policy.works_on(_me(), assessment.proposal),
    )


@bp.route("/rounds/<int:round_id>/projects/<int:proposal_id>/rate", methods=["GET", "POST"])
def rate(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Rate a delivered project of your ward (and change it until the window closes)."""
    user, now = _me(), clock.now()
    assessment = services.get_assessment(round_id, proposal_id)
    services.check_may_rate(user, assessment, now)
    criteria = services.criteria(assessment.proposal.round)
    form = RatingForm.build([(c.id, services.label(c)) for c in criteria])
    existing = services.rating_of(user, assessment)
    if form.validate_on_submit():
        try:
            services.rate(user, assessment, form.values(), form.comment.data or "", now)
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(
                _("Thank you: your rating is saved. You can change it until the window closes."),
                "success",
            )
            return redirect(url_for("assessment.rate", round_id=round_id, proposal_id=proposal_id))
    elif not form.is_submitted() and existing is not None:
        marks = {score.criterion_id: str(score.value) for score in existing.scores}
        for cid in form.criterion_ids:
            getattr(form, f"mark_{cid}").data = marks.get(cid)
        form.comment.data = existing.comment
    status = form_status(form)
    return render_template(
        "assessment/rate.html",
        assessment=assessment,
        form=form,
        existing=existing,
        offer=inspections.offer_of(user, assessment),
    ), status


@bp.route("/rounds/<int:round_id>/projects/<int:proposal_id>/volunteer", methods=["POST"])
def volunteer(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Offer to inspect a delivered project of your ward (an officer then assigns you)."""
    assessment = services.get_assessment(round_id, proposal_id)
    inspections.volunteer(_me(), assessment, clock.now())
    flash(_("Thank you: an officer of the ward will be in touch."), "success")
    return redirect(url_for("assessment.invitations"))


@bp.route("/assessment/invitations")
def invitations():  # type: ignore[no-untyped-def]
    """Projects you are asked to rate, and the inspections you were assigned."""
    user = _me()
    return render_template(
        "assessment/invitations.html",
        open=services.invitations_of(user, clock.now()),
        inspections=inspections.assigned_to(user),
    )


@bp.route("/rounds/<int:round_id>/projects/<int:proposal_id>/assessment/manage")
def manage(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """The ward's staff: inspectors, reports to answer, comments to moderate."""
    assessment = services.get_assessment(round_id, proposal_id)
    if not policy.works_on(_me(), assessment.proposal):
        raise Forbidden(_("You do not work for this project's ward."))
    return _manage_page(assessment, AssignForm(), 200)


def _manage_page(assessment, assign_form, status):  # type: ignore[no-untyped-def]
    query = db.select(Rating).where(
        Rating.proposal_id == assessment.proposal_id, Rating.comment != ""
    )
    comments = list(db.session.scalars(query.order_by(Rating.id)))
    reported = services.reports_on(comments)
    comments.sort(key=lambda rating: rating.id not in reported)  # reported ones first
    return render_template(
        "assessment/manage.html",
        assessment=assessment,
        proposal=assessment.proposal,
        assign_form=assign_form,
        hide_form=HideCommentForm(),
        response_form=ResponseForm(),
        comments=comments,
        reported=reported,
        render=formatting.render,
        reports=inspections.of_project(assessment, filed_only=False),
        offers=inspections.offers(assessment),
        checklist=inspections.CHECKLIST,
        answers=inspections.ANSWERS,
    ), status


@bp.route("/rounds/<int:round_id>/projects/<int:proposal_id>/inspectors", methods=["POST"])
def assign(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """Assign a volunteer resident as an inspector of the project (an officer of its ward)."""
    assessment = services.get_assessment(round_id, proposal_id)
    form = AssignForm()
    if form.validate_on_submit():
        try:
            inspections.assign(_me(), assessment, form.email.data, clock.now())
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("The resident is now an inspector of this project."), "success")
            return redirect(
                url_for("assessment.manage", round_id=round_id, proposal_id=proposal_id)
            )
    return _manage_page(assessment, form, 422)


@bp.route("/ratings/<int:rating_id>/hide", methods=["POST"])
def hide_comment(rating_id: int):  # type: ignore[no-untyped-def]
    """Hide a rating's comment with a public reason (the ward's moderators)."""
    rating = services.get_rating(rating_id)
    form = HideCommentForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    services.hide_comment(_me(), rating, form.reason.data)
    flash(_("The comment is hidden."), "success")
    assessment = services.get_assessment_of(rating)
    return redirect(
        url_for(
            "assessment.manage", round_id=assessment.round_id, proposal_id=assessment.proposal_id
        )
    )


@bp.route("/ratings/<int:rating_id>/report", methods=["POST"])
def report_comment(rating_id: int):  # type: ignore[no-untyped-def]
    """Report a rating's comment to the ward's moderators."""
    rating = services.get_rating(rating_id)
    form = HideCommentForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    services.report_comment(_me(), rating, form.reason.data)
    flash(_("Thank you: the ward's moderators will look at it."), "success")
    assessment = services.get_assessment_of(rating)
    return redirect(
        url_for(
            "assessment.project", round_id=assessment.round_id, proposal_id=assessment.proposal_id
        )
    )


@bp.route("/inspections/<int:inspection_id>", methods=["GET", "POST"])
@accepts_files("photo")
def inspect(inspection_id: int):  # type: ignore[no-untyped-def]
    """File your inspection report, with a photo each time (the resident inspector assigned)."""
    user = _me()
    inspection = inspections.mine(inspection_id, user)
    inspections.check_assigned(inspection)
    form = InspectionForm.build()
    if form.validate_on_submit():
        try:
            inspections.file(
                user,
                inspection,
                form.answers(),
                form.findings.data,
                clock.now(),
                uploaded_bytes(form.photo),
                form.photo_alt.data or "",
            )
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("Your report is filed and shown on the project's page."), "success")
            return redirect(url_for("assessment.inspect", inspection_id=inspection_id))
    elif not form.is_submitted() and inspection.filed_at is not None:
        for key, value in inspection.checklist.items():
            getattr(form, f"item_{key}").data = value
        form.findings.data = inspection.findings
    status = form_status(form)
    return render_template(
        "assessment/inspect.html",
        inspection=inspection,
        form=form,
        answers=inspections.ANSWERS,
        max_photos=inspections.MAX_PHOTOS,
    ), status


@bp.route("/inspections/<int:inspection_id>/respond", methods=["POST"])
def respond(inspection_id: int):  # type: ignore[no-untyped-def]
    """Publish the council's answer to a filed report (an officer of the ward)."""
    inspection = inspections.get_inspection(inspection_id)
    form = ResponseForm()
    if not form.validate_on_submit():
        raise _invalid(form)
    inspections.respond(_me(), inspection, form.response.data, clock.now())
    flash(_("Your answer is published."), "success")
    return redirect(
        url_for(
            "assessment.manage",
            round_id=inspection.proposal.round_id,
            proposal_id=inspection.proposal_id,
        )
    )


def _invalid(form) -> DomainError:  # type: ignore[no-untyped-def]
    from pb.errors import InvalidInput

    messages = [m for errors in form.errors.values() for m in errors]
    return InvalidInput(" ".join(str(m) for m in messages) or _("Check the form."))
