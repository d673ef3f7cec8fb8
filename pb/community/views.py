"""The ward register and focus (Map it, Focus it) and printable posters (Market it)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.community import services
from pb.community.forms import DecideForm, FocusForm, SuggestForm
from pb.errors import DomainError, NotFound
from pb.forms import apply_error, form_status
from pb.proposals import services as proposals
from pb.qr import qr_svg
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round

bp = Blueprint("community", __name__)


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


@bp.get("/wards/<int:ward_id>/community")
def register(ward_id: int):  # type: ignore[no-untyped-def]
    """Co-production already happening in a ward, and where the ward wants it to grow."""
    ward = services.get_ward(ward_id)
    return render_template(
        "community/register.html",
        ward=ward,
        entries=services.approved(ward),
        focus=services.focus_of(ward),
    )


@bp.route("/wards/<int:ward_id>/community/suggest", methods=["GET", "POST"])
def suggest(ward_id: int):  # type: ignore[no-untyped-def]
    """Suggest a community group or scheme for the ward's register."""
    ward = services.get_ward(ward_id)
    form = SuggestForm()
    if form.validate_on_submit():
        draft = services.EntryDraft(
            form.name.data.strip(),
            form.activity.data.strip(),
            (form.services.data or "").strip(),
            (form.contact.data or "").strip(),
            bool(form.contact_public.data),
        )
        try:
            services.suggest(_me(), ward, draft)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Thank you: an officer of the ward will look at your suggestion."), "success")
            return redirect(url_for("community.register", ward_id=ward.id))
    status = form_status(form)
    return render_template("community/suggest.html", form=form, ward=ward), status


@bp.route("/manage/community", methods=["GET", "POST"])
def queue():  # type: ignore[no-untyped-def]
    """Suggestions for the registers of your wards: approve or reject them."""
    form = DecideForm()
    if form.validate_on_submit():
        try:
            services.decide(_me(), form.entry.data, approve=bool(form.approve.data))
        except DomainError as error:
            if error.status_code != 422:
                raise
            apply_error(form, error)
        else:
            flash(_("Decided."), "success")
            return redirect(url_for("community.queue"))
    status = form_status(form)
    return render_template("community/queue.html", form=form, entries=services.queue(_me())), status


@bp.route("/manage/wards/<int:ward_id>/focus", methods=["GET", "POST"])
def focus(ward_id: int):  # type: ignore[no-untyped-def]
    """Rank the service areas where co-production should grow in your ward."""
    ward = services.get_ward(ward_id)
    services.check_councillor_of(_me(), ward)
    current = services.focus_of(ward)
    form = FocusForm(data={"areas": "\n".join(current)})
    if form.validate_on_submit():
        try:
            services.set_focus(_me(), ward, services.clean_areas(form.areas.data or ""))
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("The ward's focus is saved."), "success")
            return redirect(url_for("community.focus", ward_id=ward.id))
    status = form_status(form)
    return render_template("community/focus.html", form=form, ward=ward, focus=current), status


def _public_round(round_id: int) -> Round:
    """A round past its draft (posters are for rounds residents can open)."""
    round_ = rounds.get_round(round_id)
    if round_.phase is Phase.DRAFT:
        raise NotFound(_("No such round."))
    return round_


@bp.get("/rounds/<int:round_id>/poster")
def round_poster(round_id: int):  # type: ignore[no-untyped-def]
    """An A4 poster of a round with a QR code to its page."""
    round_ = _public_round(round_id)
    address = url_for("public.round", round_id=round_.id, _external=True)
    return render_template(
        "community/round_poster.html",
        round=round_,
        address=address,
        qr=qr_svg(address, title=_("QR code: %(address)s", address=address)),
    )


@bp.get("/rounds/<int:round_id>/projects/<int:proposal_id>/poster")
def project_poster(round_id: int, proposal_id: int):  # type: ignore[no-untyped-def]
    """An A4 poster of a funded project with a QR code to its page."""
    round_ = _public_round(round_id)
    proposal = proposals.get_proposal(proposal_id)
    if proposal.round_id != round_.id or not results.is_funded(proposal):
        raise NotFound(_("Posters are made for funded projects."))
    address = url_for("public.project", round_id=round_.id, proposal_id=proposal.id, _external=True)
    return render_template(
        "community/project_poster.html",
        round=round_,
        proposal=proposal,
        address=address,
        qr=qr_svg(address, title=_("QR code: %(address)s", address=address)),
    )
