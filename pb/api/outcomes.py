"""The outcomes report (pb.outcomes) as the plain dict /api/v1 answers (schemas.Outcomes)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pb.outcomes import words
from pb.outcomes.services import Report


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "round_id": report.round.id if report.round else None,
        "ward_id": report.ward.id if report.ward else None,
        "currency": report.currency,
        "rounds": report.rounds,
        "money": {
            "allocated": report.allocated,
            "spent": report.spent,
            "projects_funded": len(report.projects),
            "projects_delivered": len(report.delivered),
            "projects_delivered_on_time": len(report.on_time),
        },
        "projects": [
            {
                "id": line.proposal.id,
                "round_id": line.proposal.round_id,
                "title": line.proposal.title,
                "allocated": line.allocated,
                "spent": line.spent,
                "status": line.status,
                "due_on": line.due_on.isoformat() if line.due_on else None,
                "finished_on": line.finished_on.isoformat() if line.finished_on else None,
                "on_time": line.on_time,
            }
            for line in report.projects
        ],
        "time": {
            "minutes_pledged": report.minutes_pledged,
            "minutes_given": report.minutes_given,
            "hourly_rate": report.hourly_rate,
            "value": report.time_value,
            "public_money_and_time": report.co_produced,
        },
        "ratings": {
            "k": report.ratings.k,
            "projects_shown": report.ratings.projects_shown,
            "projects_withheld": report.ratings.projects_withheld,
            "criteria": [asdict(line) for line in report.ratings.criteria],
        },
        "participation": asdict(report.people),
        "summary": words.summary(report),
    }
