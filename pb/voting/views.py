"""The ballot: choose, review, confirm; then the receipt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select

from pb.audit.pairwise import decode
from pb.db import locks_late, reads_only
from pb.errors import DomainError
from pb.extensions import db
from pb.i18n import format_money, localised_category, per_language
from pb.public.services import visible_round
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import cards, eligibility, kept_pages, keyring, meter, pairwise, services
from pb.voting.formats import Choices, get_format
from pb.voting.round_row import frozen_round_row

bp = Blueprint("voting", __name__)


@dataclass(frozen=True)
class BallotPages:
    """Where the ballot's forms post. A polling station's kiosk (pb/eligibility/kiosk_views.py)
    shows the same pages with its own addresses and no link leading elsewhere (`kiosk`); the
    access-code pages (pb/eligibility/code_views.py) carry the code in a hidden field."""

    ballot: str
    review: str
    cast: str
    kiosk: bool = False
    access_code: str | None = None

    @property
    def without_account(self) -> bool:
        """Admitted by a clerk or by a code: no account to ask about eligibility or keys."""
        return self.kiosk or self.access_code is not None


def own_pages(round_: Round) -> BallotPages:
    """A resident's ballot pages, under their account."""
    return BallotPages(
        url_for("voting.ballot", round_id=round_.id),
        url_for("voting.review", round_id=round_.id),
        url_for("voting.cast", round_id=round_.id),
    )


@bp.after_request
def _private(response: Response) -> Response:
    """Ballot pages show choices, ballot keys and receipts: never keep them in any cache (a
    shared computer's browser, a proxy). The keyring cookie is written back here if changed."""
    response.headers["Cache-Control"] = "no-store"
    return keyring.save(response)


# Built once (building a statement cost more CPU than running it).
_ROUND = select(Round).where(Round.id == bindparam("round_id"))


def ballot_round(round_id: int) -> Round:
    """The round as `visible_round` finds it: a frozen one as its row (`frozen_round_row`: the
    ballot's steps read only its columns and ward ids), any other as the `Round` object."""
    return frozen_round_row(round_id) or round_object(round_id)


def round_object(round_id: int) -> Round:
    """The round as `visible_round` finds it, as an ORM object. Every step of the ballot asks
    whether the voter's ward is among its wards: a frozen round's are kept per process
    (`keep_frozen_wards`), so only the round is loaded (one not frozen loads them if asked)."""
    # Held here: the session keeps loaded rows only while something refers to them.
    loaded = db.session.scalars(_ROUND, {"round_id": round_id}).one_or_none()
    if loaded is not None:
        rounds.keep_frozen_wards(loaded)
    round_ = visible_round(round_id)  # the draft rule; finds `loaded` in the session, no query
    return round_ if loaded is None else loaded


@bp.route("/rounds/<int:round_id>/ballot", methods=["GET", "POST"])
@reads_only
def ballot(round_id: int):  # type: ignore[no-untyped-def]
    """The ballot page (a POST here comes back from the review page to change choices)."""
    round_ = ballot_round(round_id)
    choices: Choices = {}
    if request.method == "POST":
        choices = parse_quietly(round_)
    return render_ballot(round_, choices, [], own_pages(round_))


@bp.post("/rounds/<int:round_id>/ballot/review")
@reads_only
def review(round_id: int):  # type: ignore[no-untyped-def]
    """Check the choices and show a summary to confirm (nothing is saved yet)."""
    round_ = ballot_round(round_id)
    return review_page(round_, own_pages(round_))


def review_page(round_: Round, pages: BallotPages):  # type: ignore[no-untyped-def]
    """The review step for the posted choices (also a kiosk's, with its own `pages`)."""
    try:
        choices = services.parse_choices(round_, request.form)
    except DomainError as error:
        return render_ballot(round_, parse_quietly(round_), [error.message], pages), 422
    errors = services.validate_choices(round_, choices)
    if errors:
        return render_ballot(round_, choices, errors, pages), 422
    projects = services.chosen_projects(round_, choices)
    fmt = get_format(round_.ballot_format)
    by_rank = fmt.input_kind == "rank"
    ordered = sorted(choices.items(), key=lambda item: (item[1] if by_rank else 0, item[0]))
    hidden = [(f"project-{pid}", str(value)) for pid, value in choices.items()]
    compared = []
    if fmt.input_kind == "pairwise":
        compared = [(projects[a], projects[b]) for a, b in decode(choices)]
        hidden = pairwise.hidden_fields(request.form, _pairs(round_).pairs)
    chosen = [(projects[pid], value) for pid, value in ordered]
    own = review_parts(round_, fmt.input_kind, chosen, hidden)
    replacing = not pages.without_account and services.has_voted(current_user, round_)
    stored_key = None if pages.without_account else _stored_key(round_)

    def render(slots: Mapping[str, Callable[[], object]]) -> str:
        return render_template(
            "voting/review.html",
            round=round_,
            compared=compared,
            ballot_format=fmt,
            replacing=replacing,
            stored_key=stored_key,
            pages=pages,
            **{**own, **slots},
        )

    if not kept_pages.review_keepable(fmt.input_kind, without_account=pages.without_account):
        return render({})
    key = kept_pages.review_key(round_, pages, replacing, stored_key is not None)
    return kept_pages.kept_page(key, render, own)


def review_parts(
    round_: Round, input_kind: str, chosen: list[tuple[Any, int]], hidden: list[tuple[str, str]]
) -> dict[str, Callable[[], Markup]]:
    """The review page's parts that are the voter's own: the rows of their choices, their total
    cost and the hidden fields that carry the choices to the cast."""
    currency = round_.currency
    rows = current_app.jinja_env.get_template("voting/_review_rows.html")
    total = sum(project.cost for project, _value in chosen)
    return {
        "chosen_rows": lambda: Markup(
            rows.render(chosen=chosen, points=input_kind in ("rank", "points"), currency=currency)
        ),
        "chosen_total": lambda: escape(format_money(total, currency)),
        "chosen_fields": lambda: Markup("").join(
            Markup('<input type="hidden" name="{}" value="{}">\n').format(name, value)
            for name, value in hidden
        ),
    }


@bp.post("/rounds/<int:round_id>/ballot/cast")
@locks_late
def cast(round_id: int):  # type: ignore[no-untyped-def]
    """Cast (or replace) the ballot: its checks read, then its writes in one transaction (on
    SQLite the only one holding the write lock: `services.vote`)."""
    round_ = ballot_round(round_id)
    try:
        choices = services.parse_choices(round_, request.form)
        key = request.form.get("key", "") or _stored_key(round_) or ""  # used if voted before
        result = services.vote(round_, current_user, choices, key)
    except DomainError as error:
        status = error.status_code if error.status_code != 400 else 422
        return render_ballot(
            round_, parse_quietly(round_), [error.message], own_pages(round_)
        ), status
    if result.revote_secret:
        keyring.put("keys", round_.id, result.revote_secret)
        keyring.put("new", round_.id, result.revote_secret)  # shown once on the receipt page
    keyring.put("receipts", round_.id, result.receipt)
    return redirect(url_for("voting.receipt", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/ballot/receipt")
def receipt(round_id: int):  # type: ignore[no-untyped-def]
    """Your receipt: proof your ballot is recorded, to look up on the public board."""
    round_ = round_object(round_id)
    stored = keyring.get("receipts", round_.id)
    key = _stored_key(round_)
    receipt_hash = stored or (services.find_receipt(round_, key) if key else None)
    recorded = services.recorded_choices(round_, key or "")
    return render_template(
        "voting/receipt.html",
        round=round_,
        recorded=None if recorded is None else _in_ballot_order(round_, recorded),
        receipt=receipt_hash,
        short_code=services.short_code(receipt_hash) if receipt_hash else None,
        new_key=keyring.pop_new_key(round_.id),
        has_voted=services.has_voted(current_user, round_),
        accepting=rounds.accepting_ballots(round_),
    )


def _in_ballot_order(round_: Round, choices: Choices) -> list[tuple[object, int]]:
    """(project, value) pairs: by rank for ranked ballots, else by project."""
    projects = services.chosen_projects(round_, choices)
    by_rank = get_format(round_.ballot_format).input_kind == "rank"
    ordered = sorted(choices.items(), key=lambda item: (item[1] if by_rank else 0, item[0]))
    return [(projects[pid], value) for pid, value in ordered if pid in projects]


def _stored_key(round_: Round) -> str | None:
    return keyring.get("keys", round_.id)


def parse_quietly(round_: Round) -> Choices:
    """Whatever can be read from the form, to show it again after an error (nothing is lost)."""
    kept: Choices = {}
    for item in services.ballot_items(round_):
        raw = (request.form.get(f"project-{item.id}") or "").strip()
        # the length first: int() refuses strings over 4,300 digits (a 500, not a redisplay)
        if raw.isascii() and raw.isdigit() and len(raw) <= 6 and 0 < int(raw) < 10**6:
            kept[item.id] = int(raw)
    return kept


def _pairs(round_: Round) -> pairwise.Page:
    """The pairs of a pairwise ballot: the ones posted back with the form, else a new draw."""
    ids = [item.id for item in services.ballot_items(round_)]
    form = request.form if request.method == "POST" else None
    return pairwise.page(form, ids, round_.ballot_params["pairs"])


def render_ballot(round_: Round, choices: Choices, errors: list[str], pages: BallotPages):  # type: ignore[no-untyped-def]
    """The ballot page; a kiosk's (`pages.kiosk`) was admitted by a clerk: no account to ask.
    A voter who has not chosen yet gets the page such voters share (pb/voting/kept_pages.py)."""
    rows = cards.project_rows(round_)
    fmt = get_format(round_.ballot_format)
    # may they vote, and did they already: one statement with the census entry (pb/eligibility)
    voter, voted = (
        (None, False)
        if pages.without_account
        else eligibility.participant_and_voted(current_user, round_)
    )
    accepting = rounds.accepting_ballots(round_)
    eligible = pages.without_account or voter is not None

    def render(slots: Mapping[str, Callable[[], object]]) -> str:
        projects = cards.records(rows)
        view = BallotView(round_, projects, choices, errors, pages, accepting, eligible, voted)
        return _render_ballot_page(view, slots)

    shared = kept_pages.keepable(
        fmt.input_kind,
        without_account=pages.without_account,
        accepting=accepting,
        eligible=eligible,
        choices=choices,
        errors=errors,
    )
    if not shared:
        return render({})
    key = kept_pages.page_key(round_, rows, fmt.input_kind, pages, voted)
    return kept_pages.kept_page(key, render)


@dataclass(frozen=True)
class BallotView:
    """What the ballot page shows, but what the template works out from it."""

    round: Round
    projects: list[cards.BallotProject]
    choices: Choices
    errors: list[str]
    pages: BallotPages
    accepting: bool
    eligible: bool
    has_voted: bool


def _render_ballot_page(view: BallotView, slots: Mapping[str, Callable[[], object]]) -> str:
    """Render the ballot page; `slots` may stand in for the CSRF token and the site header."""
    round_, projects, choices, pages = view.round, view.projects, view.choices, view.pages
    fmt = get_format(round_.ballot_format)
    params, budget = round_.ballot_params, round_.budget
    items = services.ballot_items(round_)
    # Filters narrow what is shown, never what is chosen: hidden choices stay in the form.
    category = request.values.get("category", "")
    ward = request.values.get("ward", "")
    shown = {
        p.id
        for p in projects
        if (not category or p.category == category) and (not ward or p.ward.code == ward)
    }
    state = meter.state(fmt, params, budget, round_.currency, items, choices)
    return render_template(
        "voting/ballot.html",
        round=round_,
        pairing=_pairs(round_) if fmt.input_kind == "pairwise" else None,
        projects_by_id={p.id: p for p in projects},
        cards=None
        if fmt.input_kind == "pairwise"
        else cards.cards_html(
            round_,
            projects,
            fmt.input_kind,
            pages.kiosk,
            choices=choices,
            unfit=state.unfit,
            shown=shown,
        ),
        shown=shown,
        choices=choices,
        errors=view.errors,
        ballot_format=fmt,
        rules=fmt.rules_in_words(params, budget, round_.currency),
        meter=state,
        meter_messages=meter.messages(fmt, params, budget),
        accepting=view.accepting,
        eligible=view.eligible,
        has_voted=view.has_voted,
        stored_key=None if pages.without_account else _stored_key(round_),
        pages=pages,
        categories=sorted(
            ((name, localised_category(round_, name)) for name in {p.category for p in projects}),
            key=lambda pair: pair[1].casefold(),
        ),
        wards=sorted({(p.ward.code, p.ward.name) for p in projects}, key=lambda pair: pair[1]),
        category=category,
        ward=ward,
        shown_counts=per_language(
            ("shown counts", len(projects)), lambda: _shown_counts(len(projects))
        ),
        **slots,
    )


def _shown_counts(total: int) -> list[str]:
    """Every count the ballot's filters can show (0 to `total`), in the page's language."""
    return [
        ngettext("%(num)d project shown.", "%(num)d projects shown.", n) for n in range(total + 1)
    ]
