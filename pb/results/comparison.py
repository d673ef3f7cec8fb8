"""Every rule side by side: on a counted round's own ballots, or on an uploaded pabulib file.

The counting and the measures are `pb.allocation.comparison` and `pb.allocation.analysis`; each
rule runs in a child process within `SECONDS_PER_RULE`, so a rule that would take minutes on a
hostile file is reported as such while the worker stays responsive. A round's comparison follows
the same visibility policy as its results (`services.visible_to`). An uploaded file is read from
memory, counted, and forgotten: nothing about it is stored or logged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import select

from pb.allocation import RULES, Instance
from pb.allocation.analysis import category_shares
from pb.allocation.comparison import OK, RuleComparison, compare_within
from pb.allocation.errors import AllocationError
from pb.allocation.pabulib import PabulibError, parse_string
from pb.errors import InvalidInput, NotFound
from pb.extensions import db
from pb.i18n import format_money, format_number, localised
from pb.labels import rule_label, rule_text
from pb.proposals.models import Proposal
from pb.results import charts, engine, services
from pb.results.models import Result
from pb.rounds.models import Round
from pb.voting import services as voting
from pb.wards.models import Ward

SECONDS_PER_RULE = 8.0
"""Wall time each rule may take (exact max welfare can take hours on a crafted file)."""
TOTAL_SECONDS = 15.0
"""Wall time for the whole comparison: gunicorn kills a worker silent for 30 s, and parsing a
20 MB upload takes a few seconds before it."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    """One rule: what it funds and how the voters fare."""

    rule: str
    label: str
    description: str
    status: str
    funded: list[tuple[str, Any]] = field(default_factory=list)
    """(project title, cost) in the order the rule chose them."""
    spent: Any = None
    left: Any = None
    measures: Mapping[str, Any] = field(default_factory=dict)
    wards: list[dict[str, Any]] = field(default_factory=list)
    paragraph: str = ""
    spent_text: str = ""
    left_text: str = ""
    funded_text: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass(frozen=True)
class Comparison:
    title: str
    currency: str
    budget: Any
    voters: int
    columns: list[Column]
    current_rule: str | None = None
    budget_text: str = ""

    @property
    def counted(self) -> list[Column]:
        return [column for column in self.columns if column.ok]


def for_round(round_: Any, user: Any) -> Comparison:
    """Every rule on a counted round's ballots, for whoever may see its results."""
    if not services.visible_to(round_, user) or services.get_result(round_) is None:
        raise NotFound(_("The results of this round are not published yet."))
    ballots = [voting.choices_of(ballot) for ballot in voting.counted_ballots(round_)]
    instance, profile = engine.build_election(round_, ballots)
    config = engine.frozen_config(round_)
    proposals = db.session.scalars(select(Proposal).where(Proposal.round_id == round_.id))
    by_id = {str(p.id): p for p in proposals}
    titles = {pid: localised(by_id[pid], "title") for pid in instance.project_ids}
    wards = {pid: (by_id[pid].ward.name,) for pid in instance.project_ids}
    residents = dict(charts.participation_by_ward(round_.id))
    results = compare_within(
        instance,
        profile,
        seconds_per_rule=SECONDS_PER_RULE,
        total_seconds=TOTAL_SECONDS,
        tie_break=config["tie_break"],
        seed=config["tie_break_seed"],
    )
    columns = _columns(instance, results, titles, _round_money(round_.currency), (wards, residents))
    return Comparison(
        localised(round_, "title"),
        round_.currency,
        instance.budget,
        profile.num_voters,
        columns,
        config["rule"],
        _round_money(round_.currency)(instance.budget),
    )


def past_round(ward_ids: Sequence[int], user: Any, exclude: int | None = None) -> Any:
    """The latest counted round of one of these wards whose results `user` may see (for "see
    how each rule would have decided last year"), or None."""
    query = (
        select(Round)
        .join(Round.wards)
        .join(Result, Result.round_id == Round.id)
        .where(Ward.id.in_(list(ward_ids)), Round.id != (exclude or 0))
        .order_by(Round.voting_close_at.desc())
    )
    for round_ in db.session.scalars(query).unique():
        if services.visible_to(round_, user):
            return round_
    return None


def for_upload(data: bytes) -> Comparison:
    """Every applicable rule on a pabulib file given as bytes (refused: InvalidInput)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), field="file")
    try:
        election = parse_string(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InvalidInput(_("The file must be UTF-8 text."), field="file") from None
    except (PabulibError, AllocationError, ValueError) as error:
        raise InvalidInput(
            _("This is not a pabulib file we can read: %(error)s", error=str(error)[:300]),
            field="file",
        ) from None
    instance, profile = election.instance, election.profile
    results = compare_within(
        instance, profile, seconds_per_rule=SECONDS_PER_RULE, total_seconds=TOTAL_SECONDS
    )
    titles = {p.id: p.name or p.id for p in instance.projects}
    currency = instance.meta.get("currency", "")
    return Comparison(
        instance.meta.get("description", "") or _("Uploaded election"),
        currency,
        instance.budget,
        profile.num_voters,
        _columns(instance, results, titles, _file_money(currency), None),
        instance.meta.get("rule"),
        _file_money(currency)(instance.budget),
    )


Money = Callable[[Any], str]


def _round_money(currency: str) -> Money:
    """A round keeps money in minor units (cents)."""
    return lambda value: format_money(int(value), currency)


def _file_money(currency: str) -> Money:
    """A pabulib file counts in whole units of its currency."""
    return lambda value: " ".join(filter(None, (format_number(int(value)), currency)))


def _columns(
    instance: Instance,
    results: Sequence[RuleComparison],
    titles: Mapping[str, str],
    money: Money,
    wards: tuple[Mapping[str, Sequence[str]], Mapping[str, int]] | None,
) -> list[Column]:
    columns = []
    for result in results:
        spec = RULES.get(result.rule)
        label = rule_label(result.rule, spec.label if spec else "")
        description = rule_text(result.rule, spec.description if spec else "")
        if result.outcome is None or result.measures is None:
            columns.append(Column(result.rule, label, description, result.status))
            continue
        selected = result.outcome.selected
        ward_shares = []
        if wards is not None:
            groups, residents = wards
            shares = category_shares(instance, selected, groups, residents, sum(residents.values()))
            ward_shares = [share.to_json() for share in shares]
        columns.append(
            Column(
                result.rule,
                label,
                description,
                result.status,
                [(titles[pid], instance.by_id[pid].cost) for pid in selected],
                result.outcome.total_cost,
                result.outcome.remaining_budget,
                result.measures,
                ward_shares,
            )
        )
    return [_with_paragraph(column, columns, money) for column in columns]


def _with_paragraph(column: Column, columns: list[Column], money: Money) -> Column:
    if not column.ok:
        return column
    return replace(
        column,
        spent_text=money(column.spent),
        left_text=money(column.left),
        funded_text=[(title, money(cost)) for title, cost in column.funded],
        paragraph=paragraph(column, columns, money),
    )


def _best(columns: list[Column], name: str, highest: bool = True) -> set[str]:
    values = [c.measures[name] for c in columns if c.ok and c.measures.get(name) is not None]
    if len(values) < 2 or max(values) == min(values):
        return set()
    target = max(values) if highest else min(values)
    return {c.rule for c in columns if c.ok and c.measures.get(name) == target}


def paragraph(column: Column, columns: list[Column], money: Money) -> str:
    """Whom this rule favours here, in plain words, from its numbers and the others'."""
    m = column.measures
    parts = [
        _(
            "It funds %(num)d projects for %(spent)s and leaves %(left)s unspent. "
            "%(reached)s of voters get at least one project they chose; a voter gets "
            "%(mean)s of their projects on average.",
            num=len(column.funded),
            spent=money(column.spent),
            left=money(column.left),
            reached=format_percent(m["share_with_funded_project"]),
            mean=f"{m['mean_satisfaction_cardinality']:.2f}",
        )
    ]
    if column.rule in _best(columns, "share_with_funded_project"):
        parts.append(_("Of the rules compared, it leaves the fewest voters with nothing."))
    if column.rule in _best(columns, "mean_satisfaction_cost"):
        parts.append(_("It spends the most on what voters chose, which favours large projects."))
    if column.rule in _best(columns, "gini_cardinality", highest=False):
        parts.append(_("It shares the funded projects out most evenly between voters."))
    favoured = [g for g in m.get("categories", []) if g["funding_share"] > g["voter_share"]]
    if favoured:
        top = max(favoured, key=lambda g: g["funding_share"] - g["voter_share"])
        parts.append(
            _(
                "It favours %(group)s: %(funding)s of the money, chosen by %(voters)s of voters.",
                group=top["name"],
                funding=format_percent(top["funding_share"]),
                voters=format_percent(top["voter_share"]),
            )
        )
    if m.get("ejr_up_to_one") is False:
        parts.append(
            _("A group of voters large enough to pay for some projects gets too few of them.")
        )
    return " ".join(parts)


CSV_MEASURES = (
    "share_with_funded_project",
    "mean_satisfaction_cardinality",
    "median_satisfaction_cardinality",
    "mean_satisfaction_cost",
    "median_satisfaction_cost",
    "gini_cardinality",
    "gini_cost",
    "ejr_up_to_one",
)


def as_csv(comparison: Comparison) -> str:
    """One line per rule: its status, funded projects, money and every measure (names as in
    `pb compare --json`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rule", "status", "funded", "spent", "left", *CSV_MEASURES])
    for column in comparison.columns:
        values = [column.measures.get(name, "") for name in CSV_MEASURES]
        titles = "; ".join(title for title, _cost in column.funded)
        spent = "" if column.spent is None else str(column.spent)
        left = "" if column.left is None else str(column.left)
        writer.writerow([column.rule, column.status, titles, spent, left, *values])
    return out.getvalue()
