"""The outcomes report of a published round or of a ward: money allocated, spent and delivered
on time; residents' time pledged and given, valued at OUTCOMES_HOURLY_RATE; ratings from k
raters; how many people took part in each step; and the same in plain words (pb.outcomes.words).

Visible when the round's results are (`pb.results.services.visible_to`); a ward's report holds
only its published rounds. Reading never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import User
from pb.errors import NotFound
from pb.extensions import db
from pb.outcomes import figures
from pb.outcomes.figures import ProjectLine, Ratings, Scope
from pb.results import services as results
from pb.rounds.models import Phase, Round
from pb.volunteering import queries as volunteering
from pb.wards.models import Ward

DEFAULT_CURRENCY = "GBP"


@dataclass(frozen=True)
class Participants:
    proposers: int
    commenters: int
    voters: int
    volunteers: int
    raters: int | None  # None: fewer than k, not shown


@dataclass(frozen=True)
class Report:
    title: str
    round: Round | None
    ward: Ward | None
    currency: str
    rounds: int  # published rounds in the report
    projects: list[ProjectLine]
    minutes_pledged: int
    minutes_given: int
    hourly_rate: int  # minor units of `currency` per hour
    ratings: Ratings
    people: Participants

    @property
    def allocated(self) -> int:
        return sum(line.allocated for line in self.projects)

    @property
    def spent(self) -> int:
        return sum(line.spent for line in self.projects)

    @property
    def delivered(self) -> list[ProjectLine]:
        return [line for line in self.projects if line.status == "done"]

    @property
    def on_time(self) -> list[ProjectLine]:
        return [line for line in self.projects if line.on_time]

    @property
    def time_value(self) -> int:
        """Hours given at the hourly rate, in minor units, rounded half up to a whole unit."""
        exact = Fraction(self.minutes_given * self.hourly_rate, 60)
        return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))

    @property
    def co_produced(self) -> int:
        """Public money allocated plus the value of residents' time."""
        return self.allocated + self.time_value


def hourly_rate() -> int:
    return int(current_app.config["OUTCOMES_HOURLY_RATE"])


def round_report(round_: Round, user: User | None) -> Report:
    """The report of one round: NotFound unless its results are visible to `user`, and until
    the round is published (nothing is delivered before)."""
    if not results.visible_to(round_, user) or round_.phase is not Phase.PUBLISHED:
        raise NotFound(_("The outcomes of this round are not published yet."))
    return _report(Scope(round_id=round_.id), round_.title, round_, None, round_.currency)


def ward_report(ward_id: int) -> Report:
    """The report of a ward: every published round's projects in that ward (possibly none)."""
    ward = db.session.get(Ward, ward_id)
    if ward is None:
        raise NotFound(_("There is no such ward."))
    scope = Scope(ward_id=ward.id)
    latest = db.session.scalars(
        select(Round).where(Round.id.in_(scope.rounds())).order_by(Round.id.desc()).limit(1)
    ).first()
    currency = latest.currency if latest else DEFAULT_CURRENCY
    return _report(scope, ward.name, None, ward, currency)


def _report(
    scope: Scope, title: str, round_: Round | None, ward: Ward | None, currency: str
) -> Report:
    projects = figures.funded_lines(scope)
    rated = figures.ratings(scope)
    raters = figures.raters(scope)
    return Report(
        title=title,
        round=round_,
        ward=ward,
        currency=currency,
        rounds=1 if round_ is not None else figures.rounds_in(scope),
        projects=projects,
        minutes_pledged=volunteering.minutes_pledged(
            round_id=scope.round_id, ward_id=scope.ward_id
        ),
        minutes_given=volunteering.minutes_given(round_id=scope.round_id, ward_id=scope.ward_id),
        hourly_rate=hourly_rate(),
        ratings=rated,
        people=Participants(
            proposers=figures.proposers(scope),
            commenters=figures.commenters(scope),
            voters=figures.voters(scope),
            volunteers=volunteering.volunteers(round_id=scope.round_id, ward_id=scope.ward_id),
            raters=raters if raters == 0 or raters >= (rated.k or 1) else None,
        ),
    )
