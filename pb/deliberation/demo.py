"""A lively deliberation for the demo's open round: threads, supports, an accepted amendment,
a pending one, a merged proposal and a hidden comment, all made through the real services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from pb.accounts.models import User
from pb.deliberation import amendments, comments, merging, moderation, supports
from pb.extensions import db
from pb.proposals import services as proposals
from pb.proposals.models import Proposal
from pb.rounds import services as rounds
from pb.rounds.models import Round

MORE_PROPOSALS = [
    (
        "Skate ramps at the recreation ground",
        3_200_000,
        "Sport and play",
        "Concrete ramps and rails for skaters and BMX riders, designed with local young people.",
    ),
    (
        "Skatepark for Riverside",
        3_900_000,
        "Sport and play",
        "A small skatepark near the bus stop so young people have somewhere to ride safely.",
    ),
    (
        "Youth-run cafe at the community centre",
        1_600_000,
        "Community and social care",
        "Equipment and training so young people can run a Saturday cafe and learn to cook.",
    ),
    (
        "Outdoor table tennis tables",
        600_000,
        "Sport and play",
        "Two weatherproof table tennis tables in Riverside Park, free for everyone.",
    ),
]
THREADS = [
    (
        "Could the lessons run on weekday evenings too? Many parents work at weekends.",
        [
            "Good point: evenings would suit us as well.",
            "The leisure centre has free lanes after 6pm.",
        ],
    ),
    (
        "Please include lessons for teenagers who never learnt, not only young children.",
        ["Agree, my 14-year-old would love this but is embarrassed to join the little ones."],
    ),
    ("Who will pay for the lifeguards? That should be in the cost.", []),
]


def populate(round_: Round, people: list[User], councillor: User, officer: User) -> None:
    """Give the round a deliberation phase and a threshold, then a realistic discussion."""
    rng = random.Random(6)
    _add_deliberation_phase(round_, councillor)
    start = len(round_proposals(round_))
    for offset, (title, cost, category, text) in enumerate(MORE_PROPOSALS):
        draft = proposals.ProposalDraft(title, text, cost, round_.wards[0].id, category)
        proposals.submit(round_, draft, author=people[start + offset], now=_open_moment(round_))
    swimming, shelter, ramps, skatepark, cafe, tennis = round_proposals(round_)
    demo_citizen = db.session.scalar(select(User).where(User.email == "citizen@demo.test"))
    voices = [p for p in people[10:60]]
    for index, (text, replies) in enumerate(THREADS):
        root = comments.post(swimming, voices[index], text)
        for offset, reply in enumerate(replies):
            comments.post(swimming, voices[10 + index + offset], reply, parent_id=root.id)
        for voter in voices[20 : 20 + 4 + index]:
            comments.react(root, voter, 1 if rng.random() < 0.8 else -1)
    if demo_citizen is not None:
        comments.post(shelter, demo_citizen, "Phone charging is a *great* idea. Solar powered?")
    comments.post(cafe, voices[3], "I would volunteer on Saturdays.")
    comments.post(skatepark, officer, "Officer here: this overlaps with the skate ramps proposal.")
    # A co-designed change, accepted by the author, and one still waiting.
    amendment = amendments.propose(
        shelter,
        voices[5],
        amendments.AmendmentDraft(
            "Teen-designed solar shelter in Riverside Park",
            shelter.description + " Solar panels on the roof power the lights and chargers.",
            2_700_000,
            "Solar power means no running costs and no cables to the park.",
        ),
    )
    amendments.decide(amendment, shelter.author, accept=True, reason="Yes, that is better.")
    amendments.propose(
        swimming,
        voices[6],
        amendments.AmendmentDraft(
            swimming.title + " for all ages",
            swimming.description + " Include a teenagers' group on weekday evenings.",
            swimming.estimated_cost + 300_000,
            "Teenagers asked for it in the comments.",
        ),
    )
    # Supports, some proposals past the threshold, some not.
    for proposal, count in ((swimming, 9), (shelter, 7), (ramps, 4), (skatepark, 3), (cafe, 2)):
        for supporter in rng.sample(people[60:200], count):
            supports.support(proposal, supporter)
    # Officers merge the two skate proposals; supports are counted once per resident.
    merging.merge(
        ramps,
        [skatepark],
        officer=officer,
        reason="Both ask for a place to skate near the recreation ground.",
        title="Skate ramps and a small skatepark at the recreation ground",
    )
    # A spam comment, reported and hidden by the ward's councillor.
    spam = comments.post(tennis, voices[7], "Buy cheap trainers at my shop, link in bio!!!")
    report = moderation.report(voices[8], tennis, "Advertising", comment=spam)
    moderation.hide(report, councillor, "Advertising is not allowed in discussions.")


def round_proposals(round_: Round) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal).where(Proposal.round_id == round_.id).order_by(Proposal.id)
        )
    )


def _open_moment(round_: Round) -> datetime:
    return round_.proposals_open_at + timedelta(days=1)


def _add_deliberation_phase(round_: Round, councillor: User) -> None:
    settings = rounds.RoundSettings(
        title=round_.title,
        description=round_.description,
        ward_ids=[ward.id for ward in round_.wards],
        budget=round_.budget,
        currency=round_.currency,
        proposals_open_at=round_.proposals_open_at,
        proposals_close_at=round_.proposals_close_at,
        voting_open_at=round_.voting_open_at,
        voting_close_at=round_.voting_close_at,
        categories=list(round_.categories),
        ballot_format=round_.ballot_format,
        ballot_params=dict(round_.ballot_params),
        rule=round_.rule,
        satisfaction=round_.satisfaction,
        tie_break=round_.tie_break,
        tie_break_seed=round_.tie_break_seed,
        deliberation_close_at=round_.proposals_close_at + timedelta(days=7),
        support_threshold=5,
    )
    rounds.update_round(round_, settings, actor=councillor)
