"""Residents offer skills and pledge time; officers post tasks and confirm the hours given."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.errors import DomainError
from pb.forms import apply_error, form_status
from pb.qr import qr_svg
from pb.volunteering import ledger, services
from pb.volunteering.forms import (
    HoursForm,
    PledgeActionForm,
    PledgeForm,
    ReverseForm,
    SkillsForm,
    TaskForm,
    WithdrawForm,
)

bp = Blueprint("volunteering", __name__)


@bp.app_template_global()
def volunteer_tasks_of(proposal):  # type: ignore[no-untyped-def]
    """A funded project's volunteer tasks, for its public page."""
    return services.tasks_of(proposal)


@bp.app_template_global()
def time_credits_of(user):  # type: ignore[no-untyped-def]
    """A resident's hours given (minutes), for the thank-you on their account page."""
    return ledger.balance_minutes(user)


@bp.app_template_filter("hours")
def hours_filter(minutes: int) -> str:
    return ledger.hours_text(minutes)


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


@bp.route("/account/skills", methods=["GET", "POST"])
def skills():  # type: ignore[no-untyped-def]
    """Offer your skills and availability to your ward's officers (opt-in)."""
    profile = services.profile_of(_me())
    form = SkillsForm(
        data={"skills": "\n".join(profile.skills), "availability": profile.availability}
        if profile
        else None
    )
    if form.validate_on_submit():
        try:
            skills_ = services.clean_skills(form.skills.data)
            services.save_skills(_me(), skills_, form.availability.data or "")
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your skills are saved. Thank you."), "success")
            return redirect(url_for("volunteering.skills"))
    status = form_status(form)
    return render_template(
        "volunteering/skills.html", form=form, profile=profile, withdraw_form=WithdrawForm()
    ), status


@bp.post("/account/skills/withdraw")
def withdraw():  # type: ignore[no-untyped-def]
    """Withdraw consent: your skills and availability are deleted."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    if services.withdraw_consent(_me()):
        flash(_("Your skills and availability are deleted."), "success")
    return redirect(url_for("volunteering.skills"))


@bp.get("/my/volunteering")
def mine():  # type: ignore[no-untyped-def]
    """Your pledges, the hours confirmed and your time credits."""
    me = _me()
    return render_template(
        "volunteering/mine.html",
        pledges=services.pledges_of(me),
        entries=ledger.entries_of(me),
        balance=ledger.balance_minutes(me),
    )


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):  # type: ignore[no-untyped-def]
    """A volunteer task on a funded project, and how to pledge time to it."""
    task_ = services.get_task(task_id)
    me = _me() if current_user.is_authenticated else None
    return render_template(
        "volunteering/task.html",
        task=task_,
        pledged=services.pledge_counts([task_.id]).get(task_.id, 0),
        mine=services.pledge_of(me, task_) if me and me.role.value == "citizen" else None,
        form=PledgeForm() if me else None,
    )


@bp.post("/tasks/<int:task_id>/pledge")
def pledge(task_id: int):  # type: ignore[no-untyped-def]
    """Pledge your time to a task (once)."""
    task_ = services.get_task(task_id)
    if not PledgeForm().validate_on_submit():
        abort(400)
    if services.pledge(_me(), task_):
        flash(_("Thank you: your pledge is recorded. An officer will be in touch."), "success")
    else:
        flash(_("You have already pledged to this task."), "info")
    return redirect(url_for("volunteering.task", task_id=task_.id))


@bp.get("/tasks/<int:task_id>/poster")
def task_poster(task_id: int):  # type: ignore[no-untyped-def]
    """An A4 poster of the task with a QR code to its page."""
    task_ = services.get_task(task_id)
    address = url_for("volunteering.task", task_id=task_.id, _external=True)
    return render_template(
        "volunteering/poster.html",
        task=task_,
        address=address,
        qr=qr_svg(address, title=_("QR code: %(address)s", address=address)),
    )


@bp.route("/manage/projects/<int:proposal_id>/tasks/new", methods=["GET", "POST"])
def task_new(proposal_id: int):  # type: ignore[no-untyped-def]
    """Post a volunteer task on a funded project of your ward."""
    proposal = services.get_project(proposal_id)
    services.check_officer_of(_me(), proposal)
    services.check_funded(proposal)
    form = TaskForm()
    if form.validate_on_submit():
        draft = services.TaskDraft(
            form.title.data.strip(),
            (form.description.data or "").strip(),
            " ".join(form.skill.data.split()),
            form.hours.minutes or 0,
            form.volunteers_needed.data,
            form.starts_on.data,
            (form.when_text.data or "").strip(),
            bool(form.safeguarding_required.data),
        )
        try:
            created = services.post_task(_me(), proposal, draft)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("The task is posted."), "success")
            return redirect(url_for("volunteering.manage_task", task_id=created.id))
    status = form_status(form)
    return render_template("volunteering/task_form.html", form=form, proposal=proposal), status


@bp.get("/manage/volunteering")
def officer_index():  # type: ignore[no-untyped-def]
    """Unfilled tasks in your wards, each with the residents whose skills match."""
    me = _me()
    unfilled = services.unfilled_tasks(me)
    return render_template(
        "volunteering/officer_index.html",
        unfilled=[(t, n, services.matching_residents(me, t.skill)) for t, n in unfilled],
    )


def _manage_page(task_, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    return render_template(
        "volunteering/manage.html",
        task=task_,
        entries=ledger.task_entries(task_),
        reversed_ids={e.reverses_id for e in ledger.task_entries(task_) if e.reverses_id},
        matches=services.matching_residents(_me(), task_.skill),
        check_form=forms.get("check_form") or PledgeActionForm(),
        hours_form=forms.get("hours_form") or HoursForm(),
        reverse_form=forms.get("reverse_form") or ReverseForm(),
    ), status


@bp.get("/manage/tasks/<int:task_id>")
def manage_task(task_id: int):  # type: ignore[no-untyped-def]
    """A task's volunteers: safeguarding checks, hours to confirm, the ledger."""
    return _manage_page(services.managed_task(_me(), task_id))


@bp.post("/manage/tasks/<int:task_id>/safeguarding")
def safeguarding(task_id: int):  # type: ignore[no-untyped-def]
    """Confirm that a volunteer's safeguarding check was done (no document is kept)."""
    task_ = services.managed_task(_me(), task_id)
    form = PledgeActionForm()
    if form.validate_on_submit():
        try:
            services.confirm_safeguarding(_me(), services.get_pledge(task_, form.pledge.data))
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("The check is confirmed."), "success")
            return redirect(url_for("volunteering.manage_task", task_id=task_.id))
    return _manage_page(task_, 422, check_form=form)


@bp.post("/manage/tasks/<int:task_id>/hours")
def hours(task_id: int):  # type: ignore[no-untyped-def]
    """Confirm the hours a volunteer gave: they become time credits."""
    task_ = services.managed_task(_me(), task_id)
    form = HoursForm()
    if form.validate_on_submit():
        try:
            pledge_ = services.get_pledge(task_, form.pledge.data)
            ledger.confirm_hours(_me(), pledge_, form.hours.minutes or 0, form.note.data or "")
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("The hours are confirmed."), "success")
            return redirect(url_for("volunteering.manage_task", task_id=task_.id))
    return _manage_page(task_, 422, hours_form=form)


@bp.post("/manage/tasks/<int:task_id>/reverse")
def reverse(task_id: int):  # type: ignore[no-untyped-def]
    """Correct the ledger by reversing an entry (entries are never changed or deleted)."""
    task_ = services.managed_task(_me(), task_id)
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            ledger.reverse(_me(), ledger.get_entry(task_, form.entry.data), form.note.data or "")
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("The entry is reversed."), "success")
            return redirect(url_for("volunteering.manage_task", task_id=task_.id))
    return _manage_page(task_, 422, reverse_form=form)
