"""Access codes: an officer issues and revokes them (/rounds/<id>/codes); anyone with a letter
types one (/code) and casts one ballot with the normal ballot pages, without an account.

The code travels from page to page in a hidden field and is checked again at every step; only
the last step (/code/cast) writes, in one transaction: the code marked used, the participation,
the ballot. Issued codes exist only in the response that issues them (letters to print, and a
CSV of code and census reference in a data: link for the council's own mail merge).
"""

from __future__ import annotations

import base64
import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from pb import limits
from pb.accounts.tokens import external_url
from pb.db import reads_only
from pb.eligibility import access_codes, codes
from pb.eligibility.forms import AccessCodeForm, IssueCodesForm, RevokeCodeForm
from pb.errors import DomainError, InvalidInput
from pb.exports.csvfile import csv_bytes
from pb.forms import accepts_files, apply_error, form_status, options
from pb.qr import qr_svg
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import services as voting
from pb.voting import views as ballot_pages

bp = Blueprint("codes", __name__)
MAX_REFERENCES_FILE = 512 * 1024  # bytes: 5,000 references fit many times over


@bp.after_request
def _private(response: Response) -> Response:
    """Codes, letters and ballots: never kept in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/codes", methods=["GET", "POST"])
@accepts_files("references")
def issue(round_id: int):  # type: ignore[no-untyped-def]
    """Issue a batch of codes for one of your wards; the answer is the letters, once."""
    user = current_user._get_current_object()
    round_ = rounds.get_round(round_id)
    wards = access_codes.issuing_wards(user, round_)
    if not wards:
        abort(403)
    form = IssueCodesForm()
    form.ward.choices = options((ward.id, ward.name) for ward in wards)
    if form.validate_on_submit():
        try:
            issued = access_codes.issue(
                round_,
                form.ward.data,
                actor=user,
                count=form.count.data or 0,
                references=_references(form),
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            return _letters(round_, issued)
    status = form_status(form)
    return render_template(
        "eligibility/codes.html",
        round=round_,
        form=form,
        revoke_form=RevokeCodeForm(formdata=None),
        counts=access_codes.counts(round_),
        uses_census=access_codes.uses_census(round_),
    ), status


def _references(form: IssueCodesForm) -> list[str]:
    """The first column of the uploaded CSV (a header "reference" is skipped)."""
    if not form.references.data:
        return []
    raw = form.references.data.read(MAX_REFERENCES_FILE + 1)
    try:
        if len(raw) > MAX_REFERENCES_FILE:
            raise ValueError
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    except (ValueError, csv.Error) as error:
        message = _("The references must be a UTF-8 CSV file of at most 512 kB.")
        raise InvalidInput(message, field="references") from error
    first = [row[0].strip() if row else "" for row in rows]
    if first and first[0].lower() == "reference":
        first = first[1:]
    return first


@bp.post("/rounds/<int:round_id>/codes/revoke")
def revoke(round_id: int):  # type: ignore[no-untyped-def]
    """Revoke a code (named by itself or by its census reference), and maybe issue another."""
    user = current_user._get_current_object()
    round_ = rounds.get_round(round_id)
    if not access_codes.issuing_wards(user, round_):
        abort(403)
    form = RevokeCodeForm()
    status = 422
    if form.validate_on_submit():
        try:
            issued = access_codes.revoke(
                round_, form.code.data, actor=user, reissue=bool(form.reissue.data)
            )
        except DomainError as error:
            apply_error(form, error)
            status = error.status_code if error.status_code != 400 else 422
        else:
            if issued is not None:
                return _letters(round_, [issued])
            flash(_("The code is revoked: it can no longer be used."), "success")
            return redirect(url_for("codes.issue", round_id=round_.id))
    issue_form = IssueCodesForm(formdata=None)
    issue_form.ward.choices = options(
        (ward.id, ward.name) for ward in access_codes.issuing_wards(user, round_)
    )
    return render_template(
        "eligibility/codes.html",
        round=round_,
        form=issue_form,
        revoke_form=form,
        counts=access_codes.counts(round_),
        uses_census=access_codes.uses_census(round_),
    ), status


def _letters(round_: Round, issued: list[access_codes.IssuedCode]) -> str:
    """One printable letter per code, and the CSV (code, reference, link) as a data: link."""
    letters = []
    for item in issued:
        link = external_url("codes.enter", c=item.code)
        qr = qr_svg(link, title=_("QR code: the voting page with your code"))
        letters.append({"code": item.code, "reference": item.reference, "link": link, "qr": qr})
    rows = [(letter["reference"], letter["code"], letter["link"]) for letter in letters]
    data = csv_bytes(["reference", "code", "link"], rows)
    return render_template(
        "eligibility/letters.html",
        round=round_,
        letters=letters,
        # the address reads left to right inside an Urdu sentence too
        address=Markup('<bdi dir="ltr">%s</bdi>') % external_url("codes.enter"),
        csv_uri="data:application/octet-stream;base64," + base64.b64encode(data).decode(),
    )


@bp.route("/code", methods=["GET", "POST"])
@reads_only
def enter():  # type: ignore[no-untyped-def]
    """Type the code from your letter; a valid, unused code opens its round's ballot."""
    form = AccessCodeForm(data={"code": request.args.get("c", "")[:64]})
    if form.validate_on_submit():
        return _step(lambda code, round_: _ballot(code, round_, {}, []))
    return render_template("eligibility/code.html", form=form), form_status(form)


def _step(render):  # type: ignore[no-untyped-def]
    """Check the posted code (format, then the database), then render the next page."""
    typed = request.form.get("code", "")
    try:
        code = access_codes.find(typed, client=limits.client())
    except DomainError as error:
        return _refused(error)
    round_ = rounds.get_round(code.round_id)
    return render(codes.grouped(codes.canonical(typed)), round_)


def _refused(error: DomainError):  # type: ignore[no-untyped-def]
    """The code page again, with why (a 4xx: nothing written)."""
    form = AccessCodeForm()
    form.code.errors = [error.message]
    status = 429 if isinstance(error, access_codes.TooManyAttempts) else error.status_code
    return render_template("eligibility/code.html", form=form), max(status, 400)


def _pages(code: str) -> ballot_pages.BallotPages:
    """The normal ballot pages, posting to the code's addresses with the code in the form."""
    return ballot_pages.BallotPages(
        url_for("codes.ballot"), url_for("codes.review"), url_for("codes.cast"), access_code=code
    )


def _ballot(code: str, round_: Round, choices: dict[int, int], errors: list[str]) -> str:
    return ballot_pages.render_ballot(round_, choices, errors, _pages(code))


@bp.post("/code/ballot")
@reads_only
def ballot():  # type: ignore[no-untyped-def]
    """The ballot again (after "Show" or "Change my choices"), choices kept."""
    return _step(lambda code, round_: _ballot(code, round_, ballot_pages.parse_quietly(round_), []))


@bp.post("/code/review")
@reads_only
def review():  # type: ignore[no-untyped-def]
    """The summary to confirm (nothing is saved yet)."""

    return _step(lambda code, round_: ballot_pages.review_page(round_, _pages(code)))


@bp.post("/code/cast")
def cast():  # type: ignore[no-untyped-def]
    """Use the code: its one ballot is cast, in one transaction with the code marked used."""

    def render(code: str, round_: Round):  # type: ignore[no-untyped-def]
        try:
            choices = voting.parse_choices(round_, request.form)
            receipt = access_codes.redeem(code, choices, client=limits.client())
        except DomainError as error:
            if error.field != "ballot":  # the code, the round or the person: not the choices
                return _refused(error)
            return _ballot(code, round_, ballot_pages.parse_quietly(round_), [error.message]), 422
        short = voting.short_code(receipt)
        return render_template(
            "eligibility/code_receipt.html", round=round_, receipt=receipt, short_code=short
        )

    return _step(render)
