"""Conflict groups: proposals that cannot be built together (two projects for one site).

An officer of the round's wards declares a group during review, with a public reason; it is
audited (`round.conflict_declared`) and, when voting opens, the groups among the projects on
the ballot are frozen into the round's configuration (`conflicts`), where the tally and every
offline verifier read them (`pb.allocation.conflicts`: at most one project of a group is
funded, under any rule). A declared group can be withdrawn during review, audited too.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Phase, Round

OUT = (ProposalStatus.INFEASIBLE, ProposalStatus.MERGED, ProposalStatus.NOT_SHORTLISTED)


def can_declare(officer: User, round_: Round) -> bool:
    return officer.role is Role.OFFICER and officer.works_for(round_.ward_ids)


def candidates(round_: Round) -> list[Proposal]:
    """Proposals a group may name: those of the round that can still go on the ballot."""
    query = (
        select(Proposal)
        .where(Proposal.round_id == round_.id, Proposal.status.not_in(OUT))
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(query))


def _check(officer: User, round_: Round) -> None:
    if not can_declare(officer, round_):
        raise Forbidden(_("You are not an officer for this round's wards."))
    if round_.phase is not Phase.REVIEW:
        raise Conflict(_("Conflicts can only be declared during the review phase."))


def declare(round_: Round, proposal_ids: Iterable[int], reason: str, *, officer: User) -> None:
    """Record that at most one of these proposals may be funded."""
    _check(officer, round_)
    ids = sorted(set(proposal_ids))
    known = {proposal.id for proposal in candidates(round_)}
    if len(ids) < 2 or not set(ids) <= known:
        raise InvalidInput(_("Choose two or more proposals of this round."), field="projects")
    if not reason.strip():
        raise InvalidInput(_("Give a reason: it is shown publicly."), field="reason")
    if ids in round_.conflicts:
        raise InvalidInput(_("These proposals are already declared in conflict."), field="projects")
    round_.conflicts = [*round_.conflicts, ids]
    db.session.flush()
    data = {"projects": ids, "reason": reason.strip()}
    audit.record("round.conflict_declared", round_, data, actor=officer)


def withdraw(round_: Round, proposal_ids: list[int], *, officer: User) -> None:
    """Withdraw a declared group."""
    _check(officer, round_)
    if proposal_ids not in round_.conflicts:
        raise InvalidInput(_("No such conflict in this round."), field="projects")
    round_.conflicts = [group for group in round_.conflicts if group != proposal_ids]
    db.session.flush()
    audit.record("round.conflict_withdrawn", round_, {"projects": proposal_ids}, actor=officer)


def frozen_groups(round_: Round, ballot_ids: Iterable[int]) -> list[list[str]]:
    """The declared groups restricted to the projects on the ballot, as engine ids; a group
    with fewer than two projects left on the ballot constrains nothing and is dropped."""
    on_ballot = set(ballot_ids)
    groups = []
    for group in round_.conflicts:
        kept = [str(pid) for pid in sorted(group) if pid in on_ballot]
        if len(kept) >= 2 and kept not in groups:
            groups.append(kept)
    return groups
