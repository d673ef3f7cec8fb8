"""The poll clerk's station: pick an open round of your wards, find a person on the register,
mark them (kiosk or paper), open a kiosk on this browser, take back a ballot nobody used."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.eligibility import kiosks, register, stations
from pb.eligibility.forms import OpenKioskForm, ReleaseKioskForm, StationForm
from pb.errors import DomainError
from pb.forms import apply_error
from pb.rounds.models import Round

bp = Blueprint("station", __name__, url_prefix="/station")


@bp.get("")
def index():  # type: ignore[no-untyped-def]
    """The rounds of your wards taking votes in person now."""
    return render_template(
        "eligibility/station_index.html", rounds=stations.open_rounds(current_user)
    )


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
def station(round_id: int):  # type: ignore[no-untyped-def]
    """Find a person on the register and mark them: they vote at a kiosk or on paper."""
    clerk = current_user._get_current_object()
    round_ = stations.station_round(clerk, round_id)
    columns = register.columns()
    form = StationForm.for_columns(columns)
    form.set_places([kiosk.id for kiosk in stations.kiosks(clerk, round_)])
    status = 200
    if form.validate_on_submit():
        channel, kiosk_id = form.place()
        try:
            stations.admit(clerk, round_, form.values(columns), channel, kiosk_id)
        except register.TooManyAttempts as error:
            form.form_errors.append(error.message)
            status = 429
        except DomainError as error:
            apply_error(form, error)
            status = error.status_code if error.status_code != 400 else 422
        else:
            flash(_marked_message(channel, kiosk_id), "success")
            return redirect(url_for("station.station", round_id=round_.id))
    elif form.is_submitted():
        status = 422
    return _page(round_, form, status)


def _marked_message(channel: str, kiosk_id: int | None) -> str:
    if channel == "kiosk":
        return _("Marked on the register. Kiosk %(number)d is ready for them.", number=kiosk_id)
    return _("Marked on the register. Hand them a paper ballot.")


def _page(round_: Round, form: StationForm, status: int = 200):  # type: ignore[no-untyped-def]
    clerk = current_user._get_current_object()
    return render_template(
        "eligibility/station.html",
        round=round_,
        form=form,
        columns=register.columns(),
        kiosks=stations.kiosks(clerk, round_),
        tally=stations.tally(round_, clerk),
        open_form=OpenKioskForm(),
        release_form=ReleaseKioskForm(formdata=None),
    ), status


@bp.post("/rounds/<int:round_id>/kiosk")
def open_kiosk(round_id: int):  # type: ignore[no-untyped-def]
    """Turn this browser (this signed-in session) into a kiosk for the round."""
    clerk = current_user._get_current_object()
    round_ = stations.station_round(clerk, round_id)
    if not OpenKioskForm().validate_on_submit():
        return _page(round_, _station_form(round_), 400)
    kiosks.open_kiosk(clerk, round_)
    return redirect(url_for("kiosk.screen"))


@bp.post("/rounds/<int:round_id>/release")
def release(round_id: int):  # type: ignore[no-untyped-def]
    """Take back the ballot of a kiosk whose person walked away (their mark stays)."""
    clerk = current_user._get_current_object()
    round_ = stations.station_round(clerk, round_id)
    form = ReleaseKioskForm()
    if not form.validate_on_submit():
        return _page(round_, _station_form(round_), 422)
    stations.release(clerk, round_, form.kiosk.data)
    flash(_("Kiosk %(number)d is locked again.", number=form.kiosk.data), "success")
    return redirect(url_for("station.station", round_id=round_.id))


def _station_form(round_: Round) -> StationForm:
    form = StationForm.for_columns(register.columns())
    form.set_places([kiosk.id for kiosk in stations.kiosks(current_user, round_)])
    return form
