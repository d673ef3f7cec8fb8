"""Translatable names for the domain's enumerations, for pages and forms."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pb.accounts.models import Role
from pb.audit.labels import action_label
from pb.proposals.models import ProposalStatus
from pb.rounds.models import Phase

ROLE_LABELS = {
    Role.CITIZEN: _l("Resident"),
    Role.COUNCILLOR: _l("Ward councillor"),
    Role.OFFICER: _l("Council officer"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
    Role.POLL_CLERK: _l("Poll clerk"),
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

# How residents took part (`Participation.channel`, pb.voting.services.CHANNELS).
CHANNEL_LABELS = {
    "web": _l("Online"),
    "code": _l("Access code"),
    "kiosk": _l("Kiosk"),
    "paper": _l("Paper"),
}

# The allocation engine is pure and English-only; residents read its rules here, translated.
RULE_TEXTS = {
    "greedy": _l(
        "Projects are funded from the most votes (or points) down; a project that no longer "
        "fits in the remaining budget is skipped and counting goes on with the next one."
    ),
    "greedy-no-skip": _l(
        "Projects are funded from the most votes (or points) down; counting stops at the first "
        "project that does not fit in the remaining budget."
    ),
    "greedy-threshold": _l(
        "Like greedy, but only projects that reached the minimum score set for the round can "
        "be funded."
    ),
    "greedy-custom": _l(
        "Projects are funded from the most votes (or points) down until one does not fit. That "
        "project is also funded, from a reserve, if the money left covers at least 80 percent of "
        "its cost; counting stops there. At most one project comes from the reserve, so the "
        "spending can go over the budget."
    ),
    "greedy-exclusive": _l(
        "Projects are funded from the most votes (or points) down; a project that no longer "
        "fits, or that cannot be built together with a project already funded, is skipped."
    ),
    "equalshares": _l(
        "Method of Equal Shares: the budget is split equally among all voters, and a project is "
        "funded when the voters who chose it can pay for it together from their shares."
    ),
    "equalshares/add1": _l(
        "Method of Equal Shares: the budget is split equally among all voters, and a project is "
        "funded when the voters who chose it can pay for it together from their shares. While "
        "money is left, every share is raised a little and the count is repeated."
    ),
    "equalshares/add1u": _l(
        "Method of Equal Shares with shares raised while money is left; any money still left "
        "then funds the remaining projects with the most votes, while they fit."
    ),
    "equalshares/add1-comparison": _l(
        "Method of Equal Shares, compared with the plain most-votes outcome: if more voters "
        "prefer the most-votes outcome, it is used instead."
    ),
    "equalshares/add1-pabutools": _l(
        "Method of Equal Shares: each voter's share starts at the budget divided by the number "
        "of voters and is raised a little at a time while money is left."
    ),
    "pairwise-copeland": _l(
        "Pairwise comparisons: for every two projects, the one more voters preferred when they "
        "were shown together wins (equal numbers, or never compared: a draw). A project scores "
        "2 points per win and 1 per draw, and projects are funded from the highest score down "
        "while they fit in the budget left."
    ),
}

RULE_TEXTS["max-welfare"] = _l(
    "The combination of projects that fits in the budget and gives voters the most "
    "satisfaction in total, found exactly."
)
RULE_TEXTS["phragmen"] = _l(
    "Sequential Phragmén: voters earn money at the same rate, and a project is bought as soon "
    "as the voters who chose it have earned its cost, sharing the cost as evenly as possible."
)

# Short names of the rules, for choices and tables (the engine's own labels are English only).
RULE_LABELS = {
    "greedy": _l("Most votes first"),
    "greedy-no-skip": _l("Most votes first, stop at the first that does not fit"),
    "greedy-threshold": _l("Most votes first, with a minimum score"),
    "greedy-custom": _l("Most votes first, with a reserve (Poznań)"),
    "greedy-exclusive": _l("Most votes first, skipping conflicting projects"),
    "equalshares": _l("Equal Shares (no completion)"),
    "equalshares/add1": _l("Equal Shares (shares raised while money is left)"),
    "equalshares/add1u": _l("Equal Shares, then most votes"),
    "equalshares/add1-comparison": _l("Equal Shares, or most votes if voters prefer it"),
    "equalshares/add1-pabutools": _l("Equal Shares (as computed by pabutools)"),
    "max-welfare": _l("Most total satisfaction"),
    "phragmen": _l("Sequential Phragmén"),
}

TIE_BREAK_LABELS = {
    "numeric": _l("Lowest project number"),
    "lexicographic": _l("Lowest project number, compared as text (pabulib files)"),
    "lowest-cost": _l("Cheapest project"),
    "most-votes": _l("Most voters"),
    "lottery": _l("Published draw"),
}

TIE_BREAK_TEXTS = {
    "numeric": _l("Ties go to the project whose number comes first (project 9 before project 10)."),
    "lexicographic": _l(
        "Ties go to the project whose number comes first when numbers are compared as text, "
        "character by character, as pabulib files do (so project 10 comes before project 9)."
    ),
    "lowest-cost": _l(
        "Ties go to the cheapest project; if costs are equal, to the one with more voters."
    ),
    "most-votes": _l(
        "Ties go to the project with more voters; if that is equal too, to the cheaper one."
    ),
    "lottery": _l(
        "Ties are broken by a draw from a number published before counting, so anyone can "
        "repeat the draw."
    ),
}


def rule_text(name: str, fallback: str = "") -> str:
    return str(RULE_TEXTS.get(name, fallback or name))


def rule_label(name: str, fallback: str = "") -> str:
    """The translated short name of a rule; a rule added to the engine without one here keeps
    the engine's English label (or its code)."""
    return str(RULE_LABELS.get(name, fallback or name))


def tie_break_label(name: str, fallback: str = "") -> str:
    return str(TIE_BREAK_LABELS.get(name, fallback or name))


def tie_break_text(name: str, fallback: str = "") -> str:
    return str(TIE_BREAK_TEXTS.get(name, fallback or name))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda role: ROLE_LABELS[Role(role)],
        phase_label=lambda phase: PHASE_LABELS[Phase(phase)],
        status_label=lambda status: STATUS_LABELS[ProposalStatus(status)],
        rule_label=rule_label,
        tie_break_label=tie_break_label,
        audit_role_label=audit_role_label,
        action_label=action_label,
        channel_label=lambda code: CHANNEL_LABELS.get(code, code),
    )


def audit_role_label(code: str) -> str:
    """An audit entry's actor role in words ("system" for the platform's own entries)."""
    if code in {role.value for role in Role}:
        return str(ROLE_LABELS[Role(code)])
    return str(_l("System")) if code == "system" else code
