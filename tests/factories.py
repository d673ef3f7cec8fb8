"""Builders for test data. They go through the real services (with a simulated clock where a
round must be in a given phase), so test data obeys the same rules as real data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from pb.accounts import services as accounts
from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.db import writing as pb_writing
from pb.extensions import db
from pb.proposals import services as proposals
from pb.proposals.models import Proposal
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import services as voting
from pb.wards import services as wards
from pb.wards.models import Ward

PASSWORD = "correct horse battery"
_serial = count(1)


@contextmanager
def writing() -> Iterator[None]:
    """Write from the test's own session the way a command does: end any read snapshot the
    test holds (SQLite would refuse to upgrade a stale one), take the write lock, commit."""
    db.session.commit()
    with pb_writing():
        yield
        db.session.commit()


def ward(code: str = "", name: str = "") -> Ward:
    number = next(_serial)
    with writing():
        return wards.save_ward(None, code or f"W{number}", name or f"Ward {number}", actor=None)


def user(
    role: Role = Role.CITIZEN,
    *,
    home: Ward | None = None,
    wards_: Sequence[Ward] = (),
    email: str = "",
    password: str = PASSWORD,
) -> User:
    number = next(_serial)
    with writing():
        return accounts.create_staff_user(
            email or f"{role.value}{number}@example.test",
            f"{role.value.title()} {number}",
            password,
            role,
            ward_codes=[w.code for w in wards_],
            home_ward_code=home.code if home else None,
        )


def mailed_link(recipient: str) -> str:
    """The link in the last e-mail queued for `recipient` (a verification or reset link)."""
    import re

    from pb.mail.models import OutboxMessage

    db.session.rollback()  # see what the request committed
    body = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None, f"no e-mail to {recipient}"
    match = re.search(r"https?://\S+", body)
    assert match is not None, body
    return match.group(0)


def register(client: FlaskClient, email: str, ward_id: int, password: str = PASSWORD) -> None:
    """Register through the form and follow the e-mailed link (which also signs in)."""
    data = {"email": email, "display_name": email.split("@")[0], "password": password}
    data |= {"confirm": password, "home_ward": str(ward_id), "postcode": ""}
    response = client.post("/register", data=data)
    assert response.status_code == 200, response.data
    link = mailed_link(email)
    assert client.get(path_of(link)).status_code == 302


def path_of(link: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(link).path


def login(client: FlaskClient, person: User, password: str = PASSWORD) -> Any:
    return client.post("/login", data={"email": person.email, "password": password})


@dataclass
class RoundSetup:
    """A round and the people around it."""

    round: Round
    councillor: User
    officer: User
    ward: Ward
    projects: list[Proposal] = field(default_factory=list)
    voters: list[User] = field(default_factory=list)


def settings(ward_ids: Sequence[int], start: datetime, **overrides: Any) -> rounds.RoundSettings:
    values: dict[str, Any] = {
        "title": "Test round",
        "description": "A round built by the test suite.",
        "ward_ids": list(ward_ids),
        "budget": 100_000,
        "currency": "GBP",
        "proposals_open_at": start,
        "proposals_close_at": start + timedelta(days=1),
        "voting_open_at": start + timedelta(days=2),
        "voting_close_at": start + timedelta(days=3),
        "categories": ["Parks", "Streets"],
        "ballot_format": "approval",
        "ballot_params": {"min_projects": 1, "max_projects": None},
        "rule": "greedy",
        "satisfaction": None,
        "tie_break": "numeric",
    }
    values.update(overrides)
    return rounds.RoundSettings(**values)


def round_in_phase(
    phase: Phase,
    *,
    costs: Sequence[int] = (30_000, 50_000, 40_000),
    ballots: Sequence[dict[int, int]] = (),
    voters: int = 0,
    ward_: Ward | None = None,
    **overrides: Any,
) -> RoundSetup:
    """A round in `phase` *now*: its dates are placed around the present so the phase is live.

    `ballots` map project indexes (0-based) to values and are cast during the voting window;
    `voters` extra eligible citizens are created (at least one per ballot).
    `verification_methods` (e.g. ["census"]) is set as voting opens, so that the factory's
    self-declared author can propose first (as a councillor may change it until then).
    """
    with writing():
        return _build_round(phase, costs, ballots, voters, ward_, overrides)


def _build_round(
    phase: Phase,
    costs: Sequence[int],
    ballots: Sequence[dict[int, int]],
    voters: int,
    ward_: Ward | None,
    overrides: dict[str, Any],
) -> RoundSetup:
    methods = overrides.pop("verification_methods", None)
    home = ward_ or ward()
    councillor = user(Role.COUNCILLOR, wards_=[home])
    officer = user(Role.OFFICER, wards_=[home])
    now = utcnow()
    live_proposals = phase in (Phase.DRAFT, Phase.PROPOSALS)
    start = now - timedelta(hours=1) if live_proposals else now - timedelta(days=2)
    closes_soon = phase in (Phase.CLOSED, Phase.PUBLISHED)
    extra = {"voting_close_at": now - timedelta(minutes=1)} if closes_soon else {}
    if not live_proposals:
        extra["voting_open_at"] = now - timedelta(days=1)
    round_ = rounds.create_round(
        settings([home.id], start, **{**extra, **overrides}), actor=councillor
    )
    setup = RoundSetup(round_, councillor, officer, home)
    people = [user(Role.CITIZEN, home=home) for _ in range(max(voters, len(ballots)))]
    setup.voters = people
    if phase is Phase.DRAFT:
        round_.verification_methods = list(methods or round_.verification_methods)
        db.session.commit()
        return setup
    rounds.advance_phase(round_, actor=councillor, now=start)
    author = people[0] if people else user(Role.CITIZEN, home=home)
    for index, cost in enumerate(costs):
        draft = proposals.ProposalDraft(
            f"Project {index + 1}", "A project the test suite proposed.", cost, home.id, "Parks"
        )
        setup.projects.append(proposals.submit(round_, draft, author=author, now=start))
    if phase is Phase.PROPOSALS:
        db.session.commit()
        return setup
    after_proposals = round_.proposals_close_at
    rounds.advance_phase(round_, actor=councillor, now=after_proposals)
    if phase is Phase.REVIEW:
        db.session.commit()
        return setup
    for project in setup.projects:
        proposals.review(
            project,
            officer=officer,
            feasible=True,
            reason="Feasible.",
            final_cost=project.estimated_cost,
        )
    if methods is not None:
        round_.verification_methods = list(methods)
    rounds.advance_phase(round_, actor=councillor, now=after_proposals)
    voting_moment = round_.voting_open_at + timedelta(minutes=1)
    for person, choices in zip(people, ballots, strict=False):
        by_id = {setup.projects[index].id: value for index, value in choices.items()}
        voting.cast(round_, person, by_id, now=voting_moment)
    if phase is Phase.VOTING:
        db.session.commit()
        return setup
    rounds.advance_phase(round_, actor=councillor)
    if phase is Phase.PUBLISHED:
        rounds.advance_phase(round_, actor=councillor)
    db.session.commit()
    return setup


def census(rows: Sequence[tuple[str, str, str, str]], actor: User | None = None) -> dict[str, int]:
    """Upload a census register of (reference, date of birth, postcode, ward code) rows."""
    from pb.eligibility import register

    text = "reference,date_of_birth,postcode,ward\n" + "".join(",".join(r) + "\n" for r in rows)
    with writing():
        return register.import_register(text, actor=actor or user(Role.ADMIN))


def row_counts() -> dict[str, int]:
    """How many rows every table holds, read afresh (what a refused request must not change);
    one query, so a property test can afford it around every example."""
    db.session.rollback()  # end this test's read snapshot, to see what requests committed
    tables = db.metadata.sorted_tables
    counts = db.session.execute(
        select(*(select(func.count()).select_from(table).scalar_subquery() for table in tables))
    ).one()
    db.session.rollback()
    return {table.name: count for table, count in zip(tables, counts, strict=True)}


def access_codes(setup: RoundSetup, count: int = 0, references: Sequence[str] = ()) -> list[str]:
    """Issue codes for the setup's ward (by its officer); returns the codes as printed."""
    from pb.eligibility import access_codes as codes

    with writing():
        issued = codes.issue(
            setup.round, setup.ward.id, actor=setup.officer, count=count, references=references
        )
    return [item.code for item in issued]
