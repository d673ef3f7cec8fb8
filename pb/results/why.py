"""The page "Why did these projects win or lose?": a voter's own explanation in plain words.

It reads the stored outcome and the projects, never a ballot, and writes nothing: the answer
is the same for anyone who ticks the same projects, so it proves nothing about how anyone voted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

from pb.allocation.why import BallotReport, ChoiceReport, explain_ballot
from pb.errors import NotFound
from pb.i18n import format_money, format_number
from pb.results import explanation, services


@dataclass(frozen=True)
class Answer:
    title: str
    funded: bool
    text: str
    paid: str | None = None
    project_id: int = 0


@dataclass(frozen=True)
class WhyPage:
    projects: list[tuple[int, str]]
    """(proposal id, title) of every project on the ballot, in ballot order."""
    chosen: set[int]
    answers: list[Answer]
    share: str | None
    share_left: str | None


def _money(value: Any, currency: str) -> str:
    exact = Fraction(str(value))
    return format_money(Decimal(exact.numerator) / Decimal(exact.denominator), currency)


def why_page(round_: Any, user: Any, chosen: set[int], titles: dict[int, str]) -> WhyPage:
    """Answer for a ballot choosing exactly `chosen` (ids not on the ballot are ignored)."""
    result = services.get_result(round_)
    if not services.visible_to(round_, user) or result is None:
        raise NotFound(_("The results of this round are not published yet."))
    outcome = explanation.read_outcome(result.outcome_json)
    if outcome is None:
        raise NotFound(_("This result cannot be explained."))
    on_ballot = [(int(step.project), titles[int(step.project)]) for step in outcome.trace]
    picked = {pid for pid, _title in on_ballot if pid in chosen}
    report = explain_ballot(outcome, {str(pid) for pid in picked}, result.ballot_count)
    currency = round_.currency
    sentences = {item.project_id: item.text for item in explanation.explain(outcome, currency)}
    answers = [_answer(choice, titles, currency, sentences) for choice in report.choices]
    return WhyPage(
        sorted(on_ballot),
        picked,
        answers,
        _money(report.share, currency) if report.share is not None and picked else None,
        _share_left(report, currency) if picked else None,
    )


def _share_left(report: BallotReport, currency: str) -> str | None:
    return None if report.share_left is None else _money(report.share_left, currency)


def _answer(
    choice: ChoiceReport, titles: dict[int, str], currency: str, sentences: dict[int, str]
) -> Answer:
    cost = _money(choice.cost, currency)
    left = _money(choice.budget_left, currency)
    exact = Fraction(str(choice.score))
    score = format_number(int(exact)) if exact.denominator == 1 else f"{float(exact):.2f}"
    title = titles[int(choice.project)]
    paid = None
    if choice.paid is not None and choice.funded:
        paid = _(
            "You paid %(paid)s of it from your share; %(left)s of your share was left.",
            paid=_money(choice.paid, currency),
            left=_money(choice.share_left or 0, currency),
        )
    if choice.funded:
        text = _(
            "Funded: it cost %(cost)s, with a score of %(score)s; %(left)s of the budget was "
            "left after it.",
            cost=cost,
            score=score,
            left=left,
        )
        return Answer(title, True, text, paid, int(choice.project))
    fallback = sentences.get(int(choice.project), "")
    refusal = _refusal(choice, titles, (cost, left, score), currency, fallback)
    return Answer(title, False, refusal, None, int(choice.project))


def _refusal(
    choice: ChoiceReport,
    titles: dict[int, str],
    numbers: tuple[str, str, str],
    currency: str,
    fallback: str,
) -> str:
    """Why a chosen project was not funded: the decisive reason, in numbers."""
    cost, left, score = numbers
    if choice.reason == "does_not_fit":
        text = _(
            "Not funded: it cost %(cost)s, but only %(left)s of the budget was left when its "
            "turn came (score %(score)s).",
            cost=cost,
            left=left,
            score=score,
        )
        if choice.blocker is not None:
            text += " " + _(
                "The money it needed went to %(project)s, which scored higher.",
                project=titles[int(choice.blocker)],
            )
        return text
    if choice.reason == "not_affordable_by_supporters" and choice.supporters_had is not None:
        text = _(
            "Not funded: it cost %(cost)s, but the voters who chose it had only %(had)s left "
            "of their equal shares together.",
            cost=cost,
            had=_money(choice.supporters_had, currency),
        )
        if choice.share_left is not None:
            text += " " + _(
                "At that point you had %(left)s of your share left.",
                left=_money(choice.share_left, currency),
            )
        return text
    return _(
        "%(reason)s It cost %(cost)s; score %(score)s.", reason=fallback, cost=cost, score=score
    )
