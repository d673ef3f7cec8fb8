"""The report in words and as CSV rows. The summary is built only from the report's figures,
in the reader's language with its plural forms, so a councillor can paste it into a business
case; the CSV holds every figure as plain, exact values (amounts in major units)."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.exports.csvfile import amount
from pb.i18n import format_money
from pb.outcomes.services import Report
from pb.volunteering import ledger

CSV_HEADER = ("section", "item", "measure", "value")


def summary(report: Report) -> list[str]:
    """A few sentences: money, delivery, residents' time, ratings, participation."""
    return [
        sentence
        for sentence in (
            _money(report),
            _delivery(report),
            _time(report),
            _ratings(report),
            _people(report),
        )
        if sentence
    ]


def _money(report: Report) -> str:
    count = len(report.projects)
    if not count:
        return _("No project has been funded here yet.")
    return ngettext(
        "%(num)d project was funded with %(allocated)s of public money; %(spent)s has been spent "
        "so far.",
        "%(num)d projects were funded with %(allocated)s of public money; %(spent)s has been "
        "spent so far.",
        count,
        allocated=format_money(report.allocated, report.currency),
        spent=format_money(report.spent, report.currency),
    )


def _delivery(report: Report) -> str:
    if not report.projects:
        return ""
    delivered = ngettext(
        "%(num)d project has been delivered,",
        "%(num)d projects have been delivered,",
        len(report.delivered),
    )
    punctual = ngettext("%(num)d of them on time.", "%(num)d of them on time.", len(report.on_time))
    return f"{delivered} {punctual}"


def _time(report: Report) -> str:
    if not report.minutes_pledged and not report.minutes_given:
        return ""
    return ngettext(
        "%(num)d resident pledged %(pledged)s hours of their time and gave %(given)s hours, "
        "worth %(value)s at %(rate)s an hour: together with the public money, %(total)s of value "
        "was co-produced.",
        "%(num)d residents pledged %(pledged)s hours of their time and gave %(given)s hours, "
        "worth %(value)s at %(rate)s an hour: together with the public money, %(total)s of value "
        "was co-produced.",
        report.people.volunteers,
        pledged=ledger.hours_text(report.minutes_pledged),
        given=ledger.hours_text(report.minutes_given),
        value=format_money(report.time_value, report.currency),
        rate=format_money(report.hourly_rate, report.currency),
        total=format_money(report.co_produced, report.currency),
    )


def _ratings(report: Report) -> str:
    rated = report.ratings
    if not rated.criteria:
        return ""
    first = rated.criteria[0]
    return ngettext(
        "Residents rated %(num)d delivered project; asked “%(question)s”, they answered %(mean)s "
        "out of 5 on average.",
        "Residents rated %(num)d delivered projects; asked “%(question)s”, they answered "
        "%(mean)s out of 5 on average.",
        rated.projects_shown,
        question=first.label,
        mean=first.mean or "",
    )


def _people(report: Report) -> str:
    people = report.people
    parts = [
        ngettext(
            "%(num)d resident proposed projects",
            "%(num)d residents proposed projects",
            people.proposers,
        ),
        ngettext("%(num)d commented on them", "%(num)d commented on them", people.commenters),
        ngettext("%(num)d vote was cast", "%(num)d votes were cast", people.voters),
        ngettext(
            "%(num)d resident volunteered", "%(num)d residents volunteered", people.volunteers
        ),
    ]
    if people.raters:
        parts.append(
            ngettext(
                "%(num)d rated a delivered project",
                "%(num)d rated delivered projects",
                people.raters,
            )
        )
    return _("Taking part: %(parts)s.", parts="; ".join(parts))


def csv_rows(report: Report) -> Iterator[tuple[object, ...]]:
    """Every figure as (section, item, measure, value); amounts exact in major units."""
    money = report.currency
    yield ("money", "", "allocated", amount(report.allocated, money))
    yield ("money", "", "spent", amount(report.spent, money))
    yield ("money", "", "projects_funded", len(report.projects))
    yield ("money", "", "projects_delivered", len(report.delivered))
    yield ("money", "", "projects_delivered_on_time", len(report.on_time))
    yield (
        "money",
        "",
        "delivered_on_time_allocated",
        amount(sum(p.allocated for p in report.on_time), money),
    )
    for line in report.projects:
        title = line.proposal.title
        yield ("project", title, "allocated", amount(line.allocated, money))
        yield ("project", title, "spent", amount(line.spent, money))
        yield ("project", title, "status", line.status)
        yield ("project", title, "on_time", line.on_time)
    yield ("time", "", "hours_pledged", ledger.hours(report.minutes_pledged))
    yield ("time", "", "hours_given", ledger.hours(report.minutes_given))
    yield ("time", "", "hourly_rate", amount(report.hourly_rate, money))
    yield ("time", "", "value_of_hours_given", amount(report.time_value, money))
    yield ("time", "", "public_money_and_time", amount(report.co_produced, money))
    for criterion in report.ratings.criteria:
        yield ("rating", criterion.label, "answers", criterion.answers)
        yield ("rating", criterion.label, "mean", criterion.mean)
    people = report.people
    for measure in ("proposers", "commenters", "voters", "volunteers", "raters"):
        yield ("participation", "", measure, getattr(people, measure))
