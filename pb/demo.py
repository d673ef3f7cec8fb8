"""A realistic demo: two wards, five demo logins, a round open for voting with a few hundred
synthetic ballots, a round already counted and published, and one collecting proposals.

Everything goes through the same services a real round uses (with a simulated clock), so the demo
obeys every rule and leaves a real audit trail. Demo accounts exist only when this loader runs.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from pb.accounts import services as accounts
from pb.accounts.models import Role, User
from pb.assessment import demo as assessment_demo
from pb.community import demo as community_demo
from pb.db import utcnow
from pb.deliberation import demo as deliberation_demo
from pb.delivery import demo as delivery_demo
from pb.eligibility import demo as census_demo
from pb.extensions import db
from pb.mail import demo as mail_demo
from pb.proposals import services as proposals
from pb.results import engine
from pb.rounds import demo as rounds_demo
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.volunteering import demo as volunteering_demo
from pb.voting import demo as voting_demo
from pb.voting import services as voting
from pb.wards import services as wards

DEMO_PASSWORD = "demo"
UNUSABLE_PASSWORD = "!synthetic-account-cannot-sign-in"

RIVERSIDE_PROJECTS = [
    (
        "Riverside Park outdoor gym",
        4_500_000,
        "Sport and play",
        "Eight pieces of weatherproof outdoor fitness equipment near the Mill Lane entrance, "
        "with an accessible surface and a noticeboard showing simple routines.",
    ),
    (
        "Safer crossing at Mill Lane School",
        6_800_000,
        "Streets and transport",
        "A raised zebra crossing with new lighting outside the primary school gates, where "
        "parents report near misses every week.",
    ),
    (
        "Community fridge at St Anne's Hall",
        1_200_000,
        "Community and social care",
        "A food-sharing fridge run by volunteers so that surplus food from local shops reaches "
        "households instead of the bin.",
    ),
    (
        "Wildflower verges on Canal Road",
        900_000,
        "Green spaces",
        "Replace mown grass verges with native wildflowers to bring back pollinators and cut "
        "mowing costs.",
    ),
    (
        "Repair cafe tool library",
        1_500_000,
        "Community and social care",
        "Tools, a workbench and insurance for a monthly repair cafe and a lending library of "
        "household tools.",
    ),
    (
        "New benches along the towpath",
        2_200_000,
        "Green spaces",
        "Twelve benches with armrests every 200 metres along the towpath, so older residents can "
        "walk further with places to rest.",
    ),
    (
        "Youth music studio",
        5_500_000,
        "Culture",
        "Convert the unused basement of the youth centre into a soundproofed music studio with "
        "free evening sessions.",
    ),
    (
        "LED lighting in Ash Grove alleyways",
        3_800_000,
        "Streets and transport",
        "Brighter, energy-efficient lighting in the three alleyways residents avoid after dark.",
    ),
    (
        "Covered bike racks at the health centre",
        1_600_000,
        "Streets and transport",
        "Secure, covered parking for 30 bikes and two cargo bikes outside the health centre.",
    ),
    (
        "Adventure playground refurbishment",
        9_000_000,
        "Sport and play",
        "Replace the worn-out climbing frame and add inclusive equipment that wheelchair users "
        "can enjoy.",
    ),
    (
        "Library Saturday homework club",
        1_800_000,
        "Education",
        "Two years of Saturday sessions with tutors and laptops for secondary school pupils.",
    ),
    (
        "Street trees for Victoria Road",
        4_200_000,
        "Green spaces",
        "Twenty-five street trees with tree pits and three years of watering and care.",
    ),
    (
        "Mural trail by local artists",
        2_600_000,
        "Culture",
        "Five murals on blank walls chosen with residents, with a printed walking-trail map.",
    ),
    (
        "Drinking water fountains",
        1_100_000,
        "Green spaces",
        "Three refill fountains in the park, at the market square and by the sports pitches.",
    ),
    (
        "Digital skills drop-in for older residents",
        1_400_000,
        "Education",
        "Weekly sessions at the community centre helping residents use online services safely.",
    ),
]
RIVERSIDE_POPULARITY = [
    0.42,
    0.55,
    0.31,
    0.38,
    0.18,
    0.33,
    0.21,
    0.36,
    0.15,
    0.47,
    0.24,
    0.40,
    0.17,
    0.29,
    0.2,
]

NORTHFIELD_PROJECTS = [
    (
        "Northfield skate park extension",
        7_500_000,
        "Sport and play",
        "Extend the skate park with a beginners' area and shaded seating for parents.",
    ),
    (
        "Community orchard at Elm Farm",
        1_800_000,
        "Green spaces",
        "Forty fruit trees on council land, planted and cared for by residents and schools.",
    ),
    (
        "Pedestrian crossing on Station Road",
        5_200_000,
        "Streets and transport",
        "A signal-controlled crossing between the station and the shopping parade.",
    ),
    (
        "Warm hub winter evenings",
        2_400_000,
        "Community and social care",
        "Heated space, hot drinks and activities at the library on winter evenings.",
    ),
    (
        "Open-air cinema summer season",
        1_500_000,
        "Culture",
        "Six free outdoor film nights in Northfield Park with captioned screenings.",
    ),
    (
        "Pond restoration in Meadow Park",
        3_600_000,
        "Green spaces",
        "Dredge and replant the silted-up pond and add a dipping platform for school visits.",
    ),
    (
        "Accessible toilets in Meadow Park",
        6_200_000,
        "Community and social care",
        "A fully accessible toilet with a changing place next to the playground.",
    ),
    (
        "Bus shelter seating",
        1_200_000,
        "Streets and transport",
        "Seats and timetables at the eight bus stops that have none.",
    ),
    (
        "Family learning garden",
        2_100_000,
        "Education",
        "Raised beds and a shed at the children's centre for family gardening sessions.",
    ),
    (
        "Football pitch drainage",
        4_800_000,
        "Sport and play",
        "Drain the two junior pitches that flood every winter so matches are not cancelled.",
    ),
    (
        "Local history audio guide",
        900_000,
        "Culture",
        "A free audio walk of Northfield's history recorded by residents of all ages.",
    ),
    (
        "Cycle path link to Riverside",
        8_800_000,
        "Streets and transport",
        "A protected cycle path joining Northfield to the Riverside towpath.",
    ),
]
NORTHFIELD_POPULARITY = [0.35, 0.42, 0.5, 0.3, 0.22, 0.37, 0.28, 0.33, 0.19, 0.31, 0.16, 0.26]

YOUTH_PROPOSALS = [
    (
        "Free swimming lessons in the summer holidays",
        1_900_000,
        "Sport and play",
        "Ten weeks of free lessons at the leisure centre for children who cannot swim yet.",
    ),
    (
        "Teen-designed shelter in Riverside Park",
        2_500_000,
        "Sport and play",
        "A covered hang-out space designed with young people, with phone charging and lighting.",
    ),
]


def already_loaded() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def load(now: datetime | None = None) -> str:
    now = now or utcnow()
    rng = random.Random(2026)
    riverside = wards.save_ward(None, "RIV", "Riverside", actor=None)
    northfield = wards.save_ward(None, "NTH", "Northfield", actor=None)
    both = [riverside.code, northfield.code]
    admin = _account("admin@demo.test", "Demo administrator", Role.ADMIN)
    councillor = _account("councillor@demo.test", "Cllr Demo", Role.COUNCILLOR, wards=both)
    officer = _account("officer@demo.test", "Demo officer", Role.OFFICER, wards=both)
    _account("auditor@demo.test", "Demo auditor", Role.AUDITOR)
    citizen = _account("citizen@demo.test", "Demo resident", Role.CITIZEN, home=riverside.code)
    # Confirmed e-mail, not yet on the census: verifies on /account/census (README).
    _account("newcomer@demo.test", "Demo newcomer", Role.CITIZEN, home=riverside.code)
    riverside_people = _synthetic_citizens("riverside", riverside.id, 340)
    northfield_people = _synthetic_citizens("northfield", northfield.id, 260)
    # The census: Riverside's residents verified theirs before its census round opened.
    census_demo.populate(
        admin, [citizen, *riverside_people], [(p, northfield) for p in northfield_people]
    )

    published = _round(
        councillor,
        "Northfield Neighbourhood Budget 2026",
        "Northfield's residents decided how to spend £250,000 on local projects.",
        northfield.id,
        25_000_000,
        opened=now - timedelta(days=150),
        ballot_format="approval",
        ballot_params={"min_projects": 1, "max_projects": 5},
        rule=_preferred_rule("equalshares/add1"),
    )
    _run_to_ballot(published, officer, NORTHFIELD_PROJECTS, northfield_people, rng)
    _vote(published, northfield_people[:230], NORTHFIELD_POPULARITY, rng, max_choices=5)
    rounds.advance_phase(published, actor=councillor, now=published.voting_close_at)  # count
    rounds.advance_phase(published, actor=councillor, now=published.voting_close_at)  # publish
    # after the vote: residents' time on the funded projects, the ward registers and focus
    volunteering_demo.populate(published, officer, citizen, northfield_people[:40], now)
    community_demo.populate([riverside, northfield], councillor, officer, northfield_people[40:])
    assessment_demo.populate(published, officer, northfield_people, now)

    voting_round = _round(
        councillor,
        "Riverside Community Fund 2027",
        "Riverside has £300,000 to spend on projects proposed by residents. Choose up to five "
        "projects you want funded. The projects with the most votes are funded, in order, as "
        "long as the budget lasts.",
        riverside.id,
        30_000_000,
        opened=now - timedelta(days=40),
        ballot_format="approval",
        ballot_params={"min_projects": 1, "max_projects": 5},
        rule="greedy",
        verification_methods=["census"],  # one ballot per person on the register
    )
    _run_to_ballot(voting_round, officer, RIVERSIDE_PROJECTS, riverside_people, rng)
    _vote(voting_round, riverside_people[:310], RIVERSIDE_POPULARITY, rng, max_choices=5, now=now)
    rounds_demo.extend_after_outage(voting_round, councillor, now)

    pairwise = _round(
        councillor,
        "Riverside Parks and Streets 2027: which would you rather fund?",
        "£150,000 for parks and streets in Riverside. You are shown pairs of projects: for each "
        "pair, choose the one you would rather fund, or skip it.",
        riverside.id,
        15_000_000,
        opened=now - timedelta(days=40),
        ballot_format="pairwise",
        ballot_params={"pairs": 4},
        rule="pairwise-copeland",
    )
    _run_to_ballot(pairwise, officer, RIVERSIDE_PROJECTS[:9], riverside_people, rng)
    voting_demo.cast_pairwise(pairwise, riverside_people[:180], RIVERSIDE_POPULARITY, rng, now)

    youth = _round(
        councillor,
        "Riverside Youth Fund 2027",
        "£60,000 for projects by and for young people in Riverside. Propose an idea!",
        riverside.id,
        6_000_000,
        opened=now - timedelta(days=3),
        ballot_format="knapsack",
        ballot_params={"min_share_percent": 0},
        rule="greedy",
        proposal_days=30,
    )
    rounds.advance_phase(youth, actor=councillor, now=now)
    for index, (title, cost, category, text) in enumerate(YOUTH_PROPOSALS):
        draft = proposals.ProposalDraft(title, text, cost, riverside.id, category)
        proposals.submit(youth, draft, author=riverside_people[index], now=now)
    deliberation_demo.populate(youth, riverside_people, councillor, officer)
    delivery_demo.populate(published, officer, citizen, now)
    mail_demo.populate(now)
    return (
        "Demo loaded: 2 wards, 606 accounts, a census of 602, 4 rounds "
        f"(voting: #{voting_round.id}, pairwise voting: #{pairwise.id}, "
        f"published: #{published.id}, proposals: #{youth.id})."
    )


def _preferred_rule(name: str) -> str:
    return name if name in dict(engine.rule_choices()) else "greedy"


def _account(
    email: str, name: str, role: Role, *, wards: list[str] | None = None, home: str | None = None
) -> User:
    return accounts.create_staff_user(
        email,
        name,
        DEMO_PASSWORD,
        role,
        ward_codes=wards,
        home_ward_code=home,
        allow_short_password=True,
    )


def _synthetic_citizens(prefix: str, ward_id: int, count: int) -> list[User]:
    people = [
        User(
            email=f"{prefix}{n:03d}@residents.demo.test",
            display_name=f"Resident {n}",
            password_hash=UNUSABLE_PASSWORD,
            role=Role.CITIZEN,
            home_ward_id=ward_id,
            email_verified_at=utcnow(),
        )
        for n in range(1, count + 1)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people


def _round(
    councillor: User,
    title: str,
    description: str,
    ward_id: int,
    budget: int,
    *,
    opened: datetime,
    ballot_format: str,
    ballot_params: dict[str, int],
    rule: str,
    proposal_days: int = 21,
    verification_methods: list[str] | None = None,  # None: self-declared ("email")
) -> Round:
    settings = rounds.RoundSettings(
        title=title,
        description=description,
        ward_ids=[ward_id],
        budget=budget,
        currency="GBP",
        proposals_open_at=opened,
        proposals_close_at=opened + timedelta(days=proposal_days),
        voting_open_at=opened + timedelta(days=proposal_days + 14),
        voting_close_at=opened + timedelta(days=proposal_days + 14 + 60),
        categories=list(rounds.DEFAULT_CATEGORIES),
        ballot_format=ballot_format,
        ballot_params=ballot_params,
        rule=rule,
        satisfaction=None,
        tie_break="numeric",
        verification_methods=verification_methods or ["email"],
    )
    return rounds.create_round(settings, actor=councillor)


def _run_to_ballot(
    round_: Round, officer: User, projects: list[tuple], people: list[User], rng: random.Random
) -> None:
    councillor = db.session.get(User, round_.created_by_id)
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_open_at)
    submitted = []
    for index, (title, cost, category, text) in enumerate(projects):
        draft = proposals.ProposalDraft(title, text, cost, round_.wards[0].id, category)
        submitted.append(
            proposals.submit(round_, draft, author=people[index], now=round_.proposals_open_at)
        )
    infeasible = proposals.submit(
        round_,
        proposals.ProposalDraft(
            "Heated outdoor swimming pool",
            "A heated outdoor pool open all year for everyone in the ward.",
            round_.budget,
            round_.wards[0].id,
            "Sport and play",
        ),
        author=people[len(projects)],
        now=round_.proposals_open_at,
    )
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)
    for proposal in submitted:
        final = proposal.estimated_cost + rng.choice([-1, 0, 1]) * 100_000
        proposals.review(
            proposal,
            officer=officer,
            feasible=True,
            final_cost=final,
            reason="Checked with highways, parks and procurement: feasible at this cost.",
        )
    proposals.review(
        infeasible,
        officer=officer,
        feasible=False,
        final_cost=None,
        reason="Running costs would exceed the ward's yearly maintenance budget.",
    )
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)


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
