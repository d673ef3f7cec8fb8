"""Marshmallow schemas of the /api/v1 answers: they dump the services' plain dicts, and apispec
turns them into the OpenAPI document (docs/api.md), so the document cannot drift from the code.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from pb.delivery.models import DeliveryStatus
from pb.proposals.models import ProposalStatus
from pb.rounds.models import Phase
from pb.routing import LARGEST_ID

# A page size an integrator may ask for; more is refused (422), not silently cut.
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
LARGEST_CHOICES = 500


def _text(description: str, **kwargs: object) -> fields.String:
    return fields.String(metadata={"description": description}, **kwargs)  # type: ignore[arg-type]


def _count(description: str, **kwargs: object) -> fields.Integer:
    return fields.Integer(metadata={"description": description}, **kwargs)  # type: ignore[arg-type]


class Error(ma.Schema):
    error = _text("A short title.", required=True)
    reason = _text("What went wrong, in the request's language.", required=True)
    status = _count("The HTTP status.", required=True)
    errors = fields.Dict(metadata={"description": "Which parameter was refused, and why."})


class PageArgs(ma.Schema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=LARGEST_ID),
        metadata={"description": "Page number, from 1. Past the last page: an empty list."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."},
    )


class Paged(ma.Schema):
    page = _count("This page's number.", required=True)
    per_page = _count("Items per page.", required=True)
    total = _count("Items on every page together.", required=True)
    pages = _count("How many pages (at least 1).", required=True)


class Verification(ma.Schema):
    methods = fields.List(fields.String(), required=True)
    assurance = _text("How strongly residents are verified.", required=True)
    self_declared = fields.Boolean(required=True)
    one_ballot_per_person = fields.Boolean(required=True)


class RoundSummary(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    wards = fields.List(fields.String(), required=True, metadata={"description": "Ward codes."})
    budget = _count("In minor units (pence, grosze).", required=True)
    currency = _text("ISO 4217 code.", required=True)
    phase = fields.String(required=True, validate=validate.OneOf([p.value for p in Phase]))
    proposals_open_at = fields.String(required=True)
    proposals_close_at = fields.String(required=True)
    voting_open_at = fields.String(required=True)
    voting_close_at = fields.String(required=True)
    verification = fields.Nested(Verification, required=True)


class RoundDetail(RoundSummary):
    ballot_format = fields.String(required=True)
    ballot_params = fields.Dict(required=True)
    rule = fields.String(required=True)
    tie_break = fields.String(required=True)
    config_hash = _text(
        "SHA-256 of the frozen configuration; null before.", allow_none=True, required=True
    )
    categories = fields.List(fields.String(), required=True)


class RoundPage(Paged):
    items = fields.List(fields.Nested(RoundSummary), required=True)


class ProjectResult(ma.Schema):
    funded = fields.Boolean(required=True)
    rank = fields.Integer(required=True)
    votes = _count("Ballots that include the project.", required=True)
    score = _text("The rule's measure, exact (p/q when not whole).", required=True)
    reason = _text("The count's reason code.", required=True)


class Delivery(ma.Schema):
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in DeliveryStatus]),
        metadata={"description": "The delivery status (docs/delivery.md)."},
    )
    progress = _count("Percent done, as the officer reports it.", required=True)
    spent = _count("Spent to date, in minor units of the round's currency.", required=True)
    milestones = _count("Milestones in the plan.", required=True)
    milestones_done = _count("Milestones marked done.", required=True)


class Project(ma.Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = _text(
        "Null while the proposal is hidden by moderation.", allow_none=True, required=True
    )
    hidden_reason = _text("Why moderators hid it; null when shown.", allow_none=True, required=True)
    category = fields.String(required=True)
    ward = _text("Ward code.", required=True)
    estimated_cost = fields.Integer(required=True)
    final_cost = _count(
        "The council's checked cost; null before review.", allow_none=True, required=True
    )
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in ProposalStatus]),
        metadata={"description": "The review status (feasible: on the ballot)."},
    )
    review_reason = fields.String(required=True)
    result = fields.Nested(
        ProjectResult,
        allow_none=True,
        required=True,
        metadata={"description": "Funded or not, once the results are visible; null before."},
    )
    delivery = fields.Nested(
        "Delivery",
        allow_none=True,
        required=True,
        metadata={"description": "A funded project's delivery once published; null otherwise."},
    )


class ProjectPage(Paged):
    items = fields.List(fields.Nested(Project), required=True)


class ResultLine(ProjectResult):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    cost = fields.Integer(required=True)
    explanation = _text("Why it was funded or not, in words.", required=True)


class Results(ma.Schema):
    round_id = fields.Integer(required=True)
    rule = fields.String(required=True)
    satisfaction = fields.String(allow_none=True, required=True)
    tie_break = fields.String(required=True)
    tie_break_seed = fields.String(allow_none=True, required=True)
    config_hash = fields.String(required=True)
    budget = fields.Integer(required=True)
    total_cost = fields.Integer(required=True)
    ballots = fields.Integer(required=True)
    published_at = _text(
        "Null while only checkers may see the results.", allow_none=True, required=True
    )
    projects = fields.List(fields.Nested(ResultLine), required=True)


class WhyArgs(ma.Schema):
    choice = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=LARGEST_ID)),
        load_default=list,
        validate=validate.Length(max=LARGEST_CHOICES),
        metadata={"description": "Project ids a ballot chose (repeat the parameter)."},
    )


class WhyAnswer(ma.Schema):
    project_id = fields.Integer(required=True)
    title = fields.String(required=True)
    funded = fields.Boolean(required=True)
    text = fields.String(required=True)
    paid = _text(
        "What this ballot's share paid towards it (Equal Shares).", allow_none=True, required=True
    )


class Why(ma.Schema):
    round_id = fields.Integer(required=True)
    chosen = fields.List(fields.Integer(), required=True)
    share = _text("Each voter's equal share (Equal Shares rounds).", allow_none=True, required=True)
    share_left = fields.String(allow_none=True, required=True)
    answers = fields.List(fields.Nested(WhyAnswer), required=True)


class Count(ma.Schema):
    name = fields.String(required=True)
    ballots = fields.Integer(required=True)


class Participation(ma.Schema):
    round_id = fields.Integer(required=True)
    ballots = _count("People who voted.", required=True)
    eligible = _count("People who could vote.", required=True)
    turnout = fields.Float(
        allow_none=True, required=True, metadata={"description": "ballots / eligible."}
    )
    by_method = fields.List(fields.Nested(Count), required=True)
    by_day = fields.List(fields.Nested(Count), required=True)
    by_ward = fields.List(fields.Nested(Count), required=True)


class Checkpoint(ma.Schema):
    format = fields.String(required=True)
    origin = fields.String(required=True)
    seq = fields.Integer(required=True)
    hash = fields.String(required=True)
    signed_at = fields.String(required=True)
    public_key = fields.String(required=True)
    signature = fields.String(required=True)


class CheckpointPage(Paged):
    items = fields.List(fields.Nested(Checkpoint), required=True)


class OutcomeProject(ma.Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    title = fields.String(required=True)
    allocated = _count("The funded cost, in minor units.", required=True)
    spent = _count("Spent to date, in minor units.", required=True)
    status = fields.String(required=True)
    due_on = _text("The last milestone's due date (ISO).", allow_none=True, required=True)
    finished_on = _text("When the last milestone was done (ISO).", allow_none=True, required=True)
    on_time = fields.Boolean(required=True, metadata={"description": "docs/outcomes.md"})


class OutcomeMoney(ma.Schema):
    allocated = _count("Minor units allocated to funded projects.", required=True)
    spent = _count("Minor units spent so far.", required=True)
    projects_funded = fields.Integer(required=True)
    projects_delivered = fields.Integer(required=True)
    projects_delivered_on_time = fields.Integer(required=True)


class OutcomeTime(ma.Schema):
    minutes_pledged = _count("Each pledge counts its task's time.", required=True)
    minutes_given = _count("Confirmed by officers, less corrections.", required=True)
    hourly_rate = _count("Minor units per hour (OUTCOMES_HOURLY_RATE).", required=True)
    value = _count("Minutes given at the hourly rate, minor units.", required=True)
    public_money_and_time = _count("Allocated plus the value of time.", required=True)


class OutcomeCriterion(ma.Schema):
    label = fields.String(required=True)
    answers = fields.Integer(required=True)
    mean = _text("Two decimals, 1 to 5.", allow_none=True, required=True)
    distribution = fields.List(fields.Integer(), required=True)


class OutcomeRatings(ma.Schema):
    k = _count("Figures only from this many raters.", allow_none=True, required=True)
    projects_shown = fields.Integer(required=True)
    projects_withheld = fields.Integer(required=True)
    criteria = fields.List(fields.Nested(OutcomeCriterion), required=True)


class OutcomePeople(ma.Schema):
    proposers = fields.Integer(required=True)
    commenters = fields.Integer(required=True)
    voters = _count("Participations (never ballots).", required=True)
    volunteers = fields.Integer(required=True)
    raters = _count("Null when fewer than k.", allow_none=True, required=True)


class Outcomes(ma.Schema):
    round_id = fields.Integer(allow_none=True, required=True)
    ward_id = fields.Integer(allow_none=True, required=True)
    currency = fields.String(required=True)
    rounds = _count("Published rounds in the report.", required=True)
    money = fields.Nested(OutcomeMoney, required=True)
    projects = fields.List(fields.Nested(OutcomeProject), required=True)
    time = fields.Nested(OutcomeTime, required=True)
    ratings = fields.Nested(OutcomeRatings, required=True)
    participation = fields.Nested(OutcomePeople, required=True)
    summary = fields.List(fields.String(), required=True, metadata={"description": "Sentences."})
