"""What the transparency pages and the bulletin board show, and when.

Anything derived from the ballots (receipts, counts, choices, the bundle) goes through
`pb.results.services.visible_to`: the public sees it once results are published; auditors and
the round's councillors once voting has closed; nobody while voting is open. Ballots are always
listed by receipt, never in the order they were cast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pb.accounts.models import User
from pb.audit import checkpoints, export, keys, signing
from pb.audit.models import Checkpoint
from pb.errors import InvalidInput
from pb.extensions import db
from pb.pagination import paginate
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting import services as voting
from pb.voting.formats import get_format
from pb.voting.models import Ballot

PAGE_SIZE = 100
HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class BoardBallot:
    """A ballot as the board shows it: its choices (its id is in the bundle, not on the page)."""

    choices: list[tuple[Proposal, int]]


@dataclass(frozen=True)
class BoardReceipt:
    receipt: str
    short_code: str


@dataclass
class Board:
    round: Round
    visible: bool
    counts: dict[str, int] | None = None
    ballots: list[BoardBallot] = field(default_factory=list)
    receipts: list[BoardReceipt] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    query: str = ""
    matches: list[BoardReceipt] | None = None  # None: no lookup asked
    latest: Checkpoint | None = None


def normalise_receipt(text: str) -> str:
    """A receipt or short code as typed (any case, dashes, spaces) -> lowercase hex.

    Raises InvalidInput unless it is 12 hex digits (the short code) or 64 (the full receipt).
    """
    cleaned = "".join(ch for ch in text[:200].lower() if ch not in " -\t")
    if len(cleaned) not in (12, 64) or not set(cleaned) <= HEX:
        raise InvalidInput(
            _("Enter your short code (like ABCD-1234-EF56) or your full receipt."),
            field="receipt",
        )
    return cleaned


def board(round_: Round, user: User | None, page: int = 1, query: str = "") -> Board:
    """The bulletin board of a round, as much of it as `user` may see now.

    Two lists of the same length, each in its own order: the receipts (by receipt) and the
    ballots (by the random id they got at close). Nothing pairs a receipt with a ballot, so a
    receipt proves that a ballot was counted, never what it said (docs/threat-model.md).
    """
    result = Board(round=round_, visible=False, query=query, latest=checkpoints.latest_checkpoint())
    code = normalise_receipt(query) if query else None
    if not results.visible_to(round_, user) or results.get_result(round_) is None:
        result.matches = [] if code else None  # nothing to look up in yet
        return result
    result.visible = True
    result.counts = export.counts(round_)
    titles = _projects(round_)
    descending = get_format(round_.ballot_format).input_kind == "points"
    in_round = Ballot.round_id == round_.id
    base = select(Ballot).where(in_round).options(selectinload(Ballot.choices)).order_by(Ballot.id)
    listing = paginate(
        base, page, PAGE_SIZE, count=select(func.count()).select_from(Ballot).where(in_round)
    )
    result.page, result.pages = listing.page, listing.pages
    result.ballots = [_board_ballot(b, titles, descending) for b in listing.items]
    receipts = _receipts(round_)
    result.receipts = [_board_receipt(r) for r in _page_of_receipts(receipts, listing.page)]
    if code:
        found = select(receipts.c.receipt).where(
            receipts.c.receipt.startswith(code, autoescape=True)
        )
        result.matches = [_board_receipt(r) for r in db.session.scalars(found.limit(5))]
    return result


def _receipts(round_: Round):  # type: ignore[no-untyped-def]
    return voting.receipts_query(round_).subquery()


def _page_of_receipts(receipts, page: int) -> list[str]:  # type: ignore[no-untyped-def]
    query = select(receipts.c.receipt).order_by(receipts.c.receipt)
    return list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))


def page_of(round_: Round, receipt: str) -> int:
    """The board page that lists `receipt`."""
    receipts = _receipts(round_)
    before = db.session.scalar(
        select(func.count()).select_from(receipts).where(receipts.c.receipt < receipt)
    )
    return (before or 0) // PAGE_SIZE + 1


def _projects(round_: Round) -> dict[int, Proposal]:
    return {p.id: p for p in rounds.ballot_projects(round_)}


def _board_receipt(receipt: str) -> BoardReceipt:
    return BoardReceipt(receipt=receipt, short_code=voting.short_code(receipt))


def _board_ballot(ballot: Ballot, projects: dict[int, Proposal], descending: bool) -> BoardBallot:
    """Choices in ballot order: by rank (1 first), by points (most first), else by project."""
    sign = -1 if descending else 1
    choices = sorted(voting.choices_of(ballot).items(), key=lambda item: (sign * item[1], item[0]))
    return BoardBallot(
        choices=[(projects[pid], value) for pid, value in choices if pid in projects],
    )


@dataclass(frozen=True)
class SigningKey:
    public_key: str
    key_id: str


def signing_key() -> SigningKey | None:
    public = keys.public_key()
    return SigningKey(public, signing.key_id(public)) if public else None


def bundle_available(round_: Round, user: User | None) -> bool:
    return results.visible_to(round_, user) and results.get_result(round_) is not None
