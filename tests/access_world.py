"""The world the access matrix (tests/test_access.py) walks: one person per role, one round in
each phase, and the objects every URL argument names.

Adding a route whose URL takes an id nobody provides yet: create the object in `_objects` (or
`build_world`) and return its id under the URL argument's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask, url_for
from flask.testing import FlaskClient

from pb.accounts.models import Role, User
from pb.audit import keys
from pb.db import utcnow
from pb.deliberation.models import Comment, Report, ReportStatus
from pb.extensions import db
from pb.media import services as media
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import deliberating_round, pending_amendment
from tests.volunteering.helpers import direct_task

# The smallest PNG: one red pixel.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
# The phase the routes that are not about a round (home, admin, audit...) are checked in.
REFERENCE_PHASE = Phase.REVIEW
# URL arguments that name a round or something in one: their routes are checked in every phase.
ROUND_ARGUMENTS = frozenset(
    {
        "round_id",
        "proposal_id",
        "comment_id",
        "amendment_id",
        "report_id",
        "object_id",
        "rating_id",
        "inspection_id",
    }
)
# In a draft round nothing has been proposed yet: there is no proposal, comment... to name.
IN_A_PROPOSAL = ROUND_ARGUMENTS - {"round_id"}


@dataclass
class World:
    phase: Phase
    people: dict[Role, User]
    args: dict[str, int | str] = field(default_factory=dict)


def build_world(phase: Phase) -> World:
    """Staff of one ward, a citizen living there, and a round of theirs in `phase`."""
    keys.signing_key()  # made on first use outside production; /readyz answers 503 without it
    ward = factories.ward()
    people = {
        Role.COUNCILLOR: factories.user(Role.COUNCILLOR, wards_=[ward]),
        Role.OFFICER: factories.user(Role.OFFICER, wards_=[ward]),
        Role.AUDITOR: factories.user(Role.AUDITOR),
        Role.ADMIN: factories.user(Role.ADMIN),
        # the author of every proposal (so "their own proposal" cells are reachable)
        Role.CITIZEN: factories.user(Role.CITIZEN, home=ward),
    }
    setup = _round(phase, ward, people[Role.CITIZEN])
    world = World(phase, people)
    world.args = {
        "round_id": setup.round.id,
        "user_id": people[Role.CITIZEN].id,
        "ward_id": ward.id,
        "filename": "css/site.css",
        "media_id": _image(people[Role.OFFICER]),
    }
    if setup.projects:
        world.args.update(_objects(setup, people[Role.CITIZEN]))
    if phase is Phase.PUBLISHED:
        add_assessment(world)
    return world


def _image(owner: User) -> int:
    with factories.writing():
        return media.store(PNG_1X1, "A red dot", owner=owner).id


def add_assessment(world: World) -> None:
    """A project open to rating, another resident's rating with a comment, and an inspection
    assigned to the world's citizen: written directly (the world funds nothing)."""
    from pb.assessment.models import Inspection, ProjectAssessment, Rating

    citizen = world.people[Role.CITIZEN]
    proposal_id = int(world.args["proposal_id"])
    other = factories.user(Role.CITIZEN, home=citizen.home_ward)
    now = utcnow()
    with factories.writing():
        db.session.add(
            ProjectAssessment(
                proposal_id=proposal_id,
                round_id=int(world.args["round_id"]),
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=30),
                aggregate={},
            )
        )
        db.session.flush()
        rating = Rating(proposal_id=proposal_id, user_id=other.id, comment="Well used.")
        inspection = Inspection(proposal_id=proposal_id, inspector_id=citizen.id, assigned_at=now)
        db.session.add_all([rating, inspection])
        db.session.flush()
        world.args |= {"rating_id": rating.id, "inspection_id": inspection.id}


def _round(phase: Phase, ward, author: User) -> factories.RoundSetup:  # type: ignore[no-untyped-def]
    if phase is not Phase.DELIBERATION:
        setup = factories.round_in_phase(phase, ward_=ward, voters=0)
    else:
        setup = deliberating_round(Phase.PROPOSALS, voters=0, ward_=ward)
        with factories.writing():
            rounds.advance_phase(
                setup.round, actor=setup.councillor, now=setup.round.proposals_close_at
            )
    with factories.writing():  # the proposals are the matrix citizen's
        for proposal in setup.projects:
            proposal.author_id = author.id
    return setup


def _objects(setup: factories.RoundSetup, author: User) -> dict[str, int | str]:
    """A comment by `author` on their proposal, someone's amendment to it and their report on
    the proposal (not the comment, so deleting the comment leaves the report to moderate):
    written directly, since the services rightly refuse them in most phases."""
    proposal = setup.projects[0]
    other = factories.user(Role.CITIZEN, home=setup.ward)
    with factories.writing():
        comment = Comment(proposal_id=proposal.id, author_id=author.id, body="A first comment.")
        db.session.add(comment)
        db.session.flush()
        amendment = pending_amendment(proposal, other)
        task = direct_task(proposal)  # a volunteer task (on funded projects only, normally)
        report = Report(
            reporter_id=other.id,
            proposal_id=proposal.id,
            comment_id=None,
            reason="Off topic.",
            status=ReportStatus.OPEN,
            created_at=utcnow() - timedelta(minutes=1),
        )
        db.session.add(report)
        db.session.flush()
        return {
            "proposal_id": proposal.id,
            "comment_id": comment.id,
            "amendment_id": amendment.id,
            "report_id": report.id,
            "kind": "project",  # following the world's project (a funded one once published)
            "object_id": proposal.id,
            "task_id": task.id,
            "token": "not-a-signed-link",  # e-mailed links: a forged one is refused (400)
        }


def url(app: Flask, rule, args: dict[str, int | str]) -> str | None:  # type: ignore[no-untyped-def]
    """The rule's URL with the world's objects, or None when the phase has no such object."""
    if not set(rule.arguments) <= args.keys():
        return None
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def signed_in(app: Flask, person: User | None) -> FlaskClient:
    client = app.test_client()
    if person is not None:
        assert factories.login(client, person).status_code == 302
    return client
