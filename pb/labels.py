"""Translatable names for the domain's enumerations, for pages and forms."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pb.accounts.models import Role
from pb.proposals.models import ProposalStatus
from pb.rounds.models import Phase

ROLE_LABELS = {
    Role.CITIZEN: _l("Resident"),
    Role.COUNCILLOR: _l("Ward councillor"),
    Role.OFFICER: _l("Council officer"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}

PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.PROPOSALS: _l("Collecting proposals"),
    Phase.DELIBERATION: _l("Deliberation"),
    Phase.REVIEW: _l("Reviewing proposals"),
    Phase.VOTING: _l("Voting"),
    Phase.CLOSED: _l("Voting closed, counting"),
    Phase.PUBLISHED: _l("Results published"),
}

STATUS_LABELS = {
    ProposalStatus.SUBMITTED: _l("Awaiting review"),
    ProposalStatus.FEASIBLE: _l("Feasible: on the ballot"),
    ProposalStatus.INFEASIBLE: _l("Not feasible"),
    ProposalStatus.MERGED: _l("Merged into another proposal"),
    ProposalStatus.NOT_SHORTLISTED: _l("Did not reach the support threshold"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda role: ROLE_LABELS[Role(role)],
        phase_label=lambda phase: PHASE_LABELS[Phase(phase)],
        status_label=lambda status: STATUS_LABELS[ProposalStatus(status)],
    )
