"""A round with paper register marks, closed and waiting for its paper ballots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pb.accounts.models import Role, User
from pb.paper import services as paper
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories


@dataclass
class PaperRound:
    setup: factories.RoundSetup
    first: User  # the officer who keys first
    second: User  # another officer of the ward

    @property
    def round(self):  # type: ignore[no-untyped-def]
        return self.setup.round


def paper_round(  # type: ignore[no-untyped-def]
    marks: int = 3, online: int = 2, close: bool = True, voters: int = 0, **overrides
) -> PaperRound:
    """`online` ballots for project 1 cast online, `marks` people handed a ballot paper; closed.
    `voters`: eligible residents in all (at least `online`)."""
    setup = factories.round_in_phase(
        Phase.VOTING, ballots=[{0: 1}] * online, voters=max(voters, online), **overrides
    )
    second = factories.user(Role.OFFICER, wards_=[setup.ward])
    with factories.writing():
        for number in range(marks):
            paper.mark_issued(setup.round, f"census:paper-{setup.round.id}-{number}", setup.ward.id)
    if close:
        with factories.writing():
            after = setup.round.voting_close_at + timedelta(minutes=1)
            rounds.advance_phase(setup.round, actor=setup.councillor, now=after)
    return PaperRound(setup, setup.officer, second)


def lines(setup: factories.RoundSetup, *sheets: tuple[int, ...]) -> str:
    """Sheets naming projects by their index (0-based), one line each."""
    return "\n".join(" ".join(str(setup.projects[i].id) for i in sheet) for sheet in sheets)


def key_and_publish(run: PaperRound, *sheets: tuple[int, ...]) -> None:
    """One batch of `sheets`, keyed alike by both officers; paper entry completed; published."""
    from pb.paper import services as paper

    with factories.writing():
        batch = paper.open_batch(
            run.round, run.setup.ward.id, "Box 1", len(sheets), actor=run.first
        )
        for person in (run.first, run.second):
            paper.enter_reading(run.round, batch, lines(run.setup, *sheets), actor=person)
        paper.complete(run.round, actor=run.first)
    with factories.writing():
        rounds.advance_phase(run.round, actor=run.setup.councillor)
