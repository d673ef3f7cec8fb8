"""A realistic demo: two wards, five demo logins, a round open for voting with a few hundred
synthetic ballots, a round already counted and published, and one collecting proposals.

Everything goes through the same services a real round uses (with a simulated clock), so the demo
obeys every rule and leaves a real audit trail. Demo accounts exist only when this loader runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from pb.accounts import demo as demo_accounts
from pb.accounts.models import Role, User
from pb.assessment import demo as assessment_demo
from pb.community import demo as community_demo
from pb.db import utcnow
from pb.deliberation import demo as deliberation_demo
from pb.deliberation import demo_browsing as browsing_demo
from pb.delivery import demo as delivery_demo
from pb.eligibility import demo as census_demo
from pb.extensions import db
from pb.mail import demo as mail_demo
from pb.paper import demo as paper_demo
from pb.proposals import demo as proposals_demo
from pb.proposals import demo_projects as ideas
from pb.results import engine
from pb.rounds import demo as rounds_demo
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.volunteering import demo as volunteering_demo
from pb.voting import demo as voting_demo
from pb.voting import services as voting
from pb.wards import services as wards
from pb.wards.models import Ward


def already_loaded() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


@dataclass(frozen=True)
class _Cast:
    """The demo's wards and people, as the rounds below need them."""

    riverside: Ward
    northfield: Ward
    admin: User
    councillor: User
    officer: User
    second_officer: User
    citizen: User
    riverside_people: list[User]
    northfield_people: list[User]


def load(now: datetime | None = None) -> str:
    now = now or utcnow()
    rng = random.Random(2026)  # one generator, drawn from in this order: the demo never varies
    cast = _cast()
    published = _published_round(cast, now, rng)
    voting_round = _voting_round(cast, now, rng)
    pairwise = _pairwise_round(cast, now, rng)
    youth = _youth_round(cast, now)
    delivery_demo.populate(published, cast.officer, cast.citizen, now)
    mail_demo.populate(now)
    return (
        "Demo loaded: 2 wards, 608 accounts, a census of 610, 4 rounds "
        f"(voting: #{voting_round.id}, pairwise voting: #{pairwise.id}, "
        f"published: #{published.id}, proposals: #{youth.id}); "
        f"vote by post at /code with {census_demo.DEMO_CODE}."
    )


def _cast() -> _Cast:
    riverside = wards.save_ward(None, "RIV", "Riverside", actor=None)
    northfield = wards.save_ward(None, "NTH", "Northfield", actor=None)
    both = [riverside.code, northfield.code]
    account = demo_accounts.account
    admin = account("admin@demo.test", "Demo administrator", Role.ADMIN)
    councillor = account("councillor@demo.test", "Cllr Demo", Role.COUNCILLOR, wards=both)
    officer = account("officer@demo.test", "Demo officer", Role.OFFICER, wards=both)
    # keys the second reading of the demo's paper ballots (two different people, pb.paper)
    second_officer = account("officer2@demo.test", "Second demo officer", Role.OFFICER, wards=both)
    account("auditor@demo.test", "Demo auditor", Role.AUDITOR)
    # Keeps a polling station for the census round (README: /station, a kiosk).
    account("clerk@demo.test", "Demo poll clerk", Role.POLL_CLERK, wards=[riverside.code])
    citizen = account("citizen@demo.test", "Demo resident", Role.CITIZEN, home=riverside.code)
    # Confirmed e-mail, not yet on the census: verifies on /account/census (README).
    account("newcomer@demo.test", "Demo newcomer", Role.CITIZEN, home=riverside.code)
    riverside_people = demo_accounts.synthetic_citizens("riverside", riverside.id, 340)
    northfield_people = demo_accounts.synthetic_citizens("northfield", northfield.id, 260)
    # The census: Riverside's residents verified theirs before its census round opened.
    census_demo.populate(
        admin, [citizen, *riverside_people], [(p, northfield) for p in northfield_people]
    )
    return _Cast(
        riverside,
        northfield,
        admin,
        councillor,
        officer,
        second_officer,
        citizen,
        riverside_people,
        northfield_people,
    )


def _published_round(cast: _Cast, now: datetime, rng: random.Random) -> Round:
    councillor, officer, people = cast.councillor, cast.officer, cast.northfield_people
    published = rounds_demo.create(
        councillor,
        "Northfield Neighbourhood Budget 2026",
        "Northfield's residents decided how to spend £250,000 on local projects.",
        cast.northfield.id,
        25_000_000,
        opened=now - timedelta(days=150),
        ballot_format="approval",
        ballot_params={"min_projects": 1, "max_projects": 5},
        rule=_preferred_rule("equalshares/add1"),
    )
    proposals_demo.run_to_ballot(published, officer, ideas.NORTHFIELD_PROJECTS, people, rng)
    _vote(published, people[:230], ideas.NORTHFIELD_POPULARITY, rng, max_choices=5)
    station_day = published.voting_open_at + timedelta(days=30)
    paper_demo.mark(published, people[230:250], station_day)  # ballot papers
    rounds.advance_phase(published, actor=councillor, now=published.voting_close_at)  # close
    paper_demo.key_batch(  # the paper ballots keyed twice, reconciled: then counted
        published, (officer, cast.second_officer), ideas.NORTHFIELD_POPULARITY, rng, max_choices=5
    )
    rounds.advance_phase(published, actor=councillor, now=published.voting_close_at)  # publish
    # after the vote: residents' time on the funded projects, the ward registers and focus
    volunteering_demo.populate(published, officer, cast.citizen, people[:40], now)
    community_demo.populate([cast.riverside, cast.northfield], councillor, officer, people[40:])
    assessment_demo.populate(published, officer, people, now)
    return published


def _voting_round(cast: _Cast, now: datetime, rng: random.Random) -> Round:
    people = cast.riverside_people
    voting_round = rounds_demo.create(
        cast.councillor,
        "Riverside Community Fund 2027",
        "Riverside has £300,000 to spend on projects proposed by residents. Choose up to five "
        "projects you want funded. The projects with the most votes are funded, in order, as "
        "long as the budget lasts.",
        cast.riverside.id,
        30_000_000,
        opened=now - timedelta(days=40),
        ballot_format="approval",
        ballot_params={"min_projects": 1, "max_projects": 5},
        rule="greedy",
        # one ballot per person on the register: online, with a code posted to them, or at a
        # polling station
        verification_methods=["census", "code", "in_person"],
    )
    proposals_demo.run_to_ballot(voting_round, cast.officer, ideas.RIVERSIDE_PROJECTS, people, rng)
    census_demo.issue_demo_code(voting_round, cast.riverside, cast.officer)
    _vote(voting_round, people[:310], ideas.RIVERSIDE_POPULARITY, rng, max_choices=5, now=now)
    rounds_demo.extend_after_outage(voting_round, cast.councillor, now)
    return voting_round


def _pairwise_round(cast: _Cast, now: datetime, rng: random.Random) -> Round:
    people = cast.riverside_people
    pairwise = rounds_demo.create(
        cast.councillor,
        "Riverside Parks and Streets 2027: which would you rather fund?",
        "£150,000 for parks and streets in Riverside. You are shown pairs of projects: for each "
        "pair, choose the one you would rather fund, or skip it.",
        cast.riverside.id,
        15_000_000,
        opened=now - timedelta(days=40),
        ballot_format="pairwise",
        ballot_params={"pairs": 4},
        rule="pairwise-copeland",
    )
    proposals_demo.run_to_ballot(pairwise, cast.officer, ideas.RIVERSIDE_PROJECTS[:9], people, rng)
    voting_demo.cast_pairwise(pairwise, people[:180], ideas.RIVERSIDE_POPULARITY, rng, now)
    return pairwise


def _youth_round(cast: _Cast, now: datetime) -> Round:
    people = cast.riverside_people
    youth = rounds_demo.create(
        cast.councillor,
        "Riverside Youth Fund 2027",
        "£60,000 for projects by and for young people in Riverside. Propose an idea!",
        cast.riverside.id,
        6_000_000,
        opened=now - timedelta(days=3),
        ballot_format="knapsack",
        ballot_params={"min_share_percent": 0},
        rule="greedy",
        proposal_days=30,
    )
    rounds.advance_phase(youth, actor=cast.councillor, now=now)
    youth_proposals = proposals_demo.submit_youth_ideas(youth, cast.riverside.id, people, now)
    browsing_demo.populate(youth_proposals, people[:12], cast.citizen)
    deliberation_demo.populate(youth, people, cast.councillor, cast.officer)
    return youth


def _preferred_rule(name: str) -> str:
    return name if name in dict(engine.rule_choices()) else "greedy"


def _vote(
    round_: Round,
    people: list[User],
    popularity: list[float],
    rng: random.Random,
    *,
    max_choices: int,
    now: datetime | None = None,
) -> None:
    projects = rounds.ballot_projects(round_)
    last = min(now, round_.voting_close_at) if now else round_.voting_close_at
    span = (last - round_.voting_open_at).total_seconds()
    for person in people:
        chosen = [
            p.id for p, chance in zip(projects, popularity, strict=True) if rng.random() < chance
        ]
        if not chosen:
            chosen = [rng.choice(projects).id]
        rng.shuffle(chosen)
        moment = round_.voting_open_at + timedelta(seconds=rng.random() * span * 0.999)
        voting.cast(round_, person, {pid: 1 for pid in chosen[:max_choices]}, now=moment)
