"""A kiosk's pages: the locked "ask the clerk" screen, the normal ballot for the one person the
clerk admitted, the thank-you screen; and the guard that keeps a kiosk session on these pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from pb import limits
from pb.db import reads_only
from pb.eligibility import kiosks
from pb.eligibility.forms import DeclineForm, LeaveKioskForm
from pb.eligibility.models import Kiosk
from pb.errors import DomainError
from pb.extensions import db
from pb.forms import apply_error
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import services as voting
from pb.voting.views import BallotPages, parse_quietly, render_ballot, review_page

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.before_app_request
def _confine_kiosk():  # type: ignore[no-untyped-def]
    """A session in kiosk mode reaches only the kiosk pages (sent back to the screen)."""
    g.kiosk = None
    if not current_user.is_authenticated:
        return None
    g.kiosk = kiosks.current(current_user._get_current_object())
    if g.kiosk is not None and request.endpoint not in kiosks.KIOSK_ENDPOINTS:
        return redirect(url_for("kiosk.screen"))
    return None


@bp.app_template_global()
def in_kiosk_mode() -> bool:
    """True on a kiosk's pages: the header shows no links away and no sign-out."""
    return g.get("kiosk") is not None


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # the next person must not go back to it
    return response


def _kiosk() -> tuple[Kiosk, Round]:
    kiosk = g.get("kiosk")
    if kiosk is None:
        abort(404)
    round_ = db.session.get(Round, kiosk.round_id)
    assert round_ is not None
    return kiosk, round_


def _pages() -> BallotPages:
    return BallotPages(
        url_for("kiosk.ballot"), url_for("kiosk.review"), url_for("kiosk.cast"), kiosk=True
    )


@bp.get("")
def screen():  # type: ignore[no-untyped-def]
    """Locked until the clerk admits someone; then a button to start (kiosk mode only)."""
    if g.get("kiosk") is None:
        return redirect(url_for("station.index"))
    return _screen()


def _screen(leave_form: LeaveKioskForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    kiosk, round_ = _kiosk()
    return render_template(
        "eligibility/kiosk.html",
        kiosk=kiosk,
        round=round_,
        accepting=rounds.accepting_ballots(round_),
        leave_form=leave_form or LeaveKioskForm(formdata=None),
    ), status


@bp.route("/ballot", methods=["GET", "POST"])
@reads_only
def ballot():  # type: ignore[no-untyped-def]
    """The normal ballot, for the admitted person (a POST comes back from the review)."""
    kiosk, round_ = _kiosk()
    if not kiosk.admitted or not rounds.accepting_ballots(round_):
        return redirect(url_for("kiosk.screen"))
    choices = parse_quietly(round_) if request.method == "POST" else {}
    return render_ballot(round_, choices, [], _pages())


@bp.post("/ballot/review")
@reads_only
def review():  # type: ignore[no-untyped-def]
    kiosk, round_ = _kiosk()
    if not kiosk.admitted:
        return _screen(status=409)
    return review_page(round_, _pages())


@bp.post("/ballot/cast")
def cast():  # type: ignore[no-untyped-def]
    """Cast the admitted person's one ballot, then thank them (the kiosk is locked again)."""
    kiosk, round_ = _kiosk()
    try:
        choices = voting.parse_choices(round_, request.form)
        result = kiosks.cast(kiosk, round_, choices)
    except DomainError as error:
        status = error.status_code if error.status_code != 400 else 422
        if not kiosk.admitted:
            return _screen(status=status)
        return render_ballot(round_, parse_quietly(round_), [error.message], _pages()), status
    return render_template(
        "eligibility/kiosk_done.html", round=round_, short_code=result.short_code
    )


@bp.post("/decline")
def decline():  # type: ignore[no-untyped-def]
    """The person leaves without voting: lock the kiosk."""
    kiosk, round_ = _kiosk()
    if not DeclineForm().validate_on_submit():
        abort(400)
    kiosks.decline(kiosk, round_)
    return redirect(url_for("kiosk.screen"))


@bp.post("/leave")
@limits.limit("password_change")
def leave():  # type: ignore[no-untyped-def]
    """The clerk types their password to end kiosk mode on this browser."""
    kiosk, _round = _kiosk()
    form = LeaveKioskForm()
    if form.validate_on_submit():
        try:
            kiosks.leave(current_user._get_current_object(), kiosk, form.password.data)
        except DomainError as error:
            apply_error(form, error)
        else:
            return redirect(url_for("station.station", round_id=kiosk.round_id))
    return _screen(form, 422)
