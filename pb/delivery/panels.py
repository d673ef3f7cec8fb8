"""What other pages show of delivery (template globals), and delivery's place in following:
funded projects can be followed, and their notices are written here."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _

from pb.delivery import labels, services
from pb.delivery.models import DeliveryPlan
from pb.errors import NotFound
from pb.extensions import db
from pb.following import services as following
from pb.following.models import FollowKind
from pb.proposals.models import Proposal
from pb.results import services as results


def _check(project_id: int) -> None:
    proposal = db.session.get(Proposal, project_id)
    if proposal is None or not results.is_funded(proposal):
        raise NotFound(_("Only funded projects can be followed."))


def _title(project_id: int) -> str:
    proposal = db.session.get(Proposal, project_id)
    return proposal.title if proposal else ""


def _link(project_id: int) -> str:
    proposal = db.session.get(Proposal, project_id)
    if proposal is None:
        return url_for("following.index")
    return url_for("delivery.show", round_id=proposal.round_id, proposal_id=proposal.id)


def project_plan(proposal: Proposal) -> DeliveryPlan | None:
    return services.plan_of(proposal)


def init_app(app: Flask) -> None:
    following.register_kind(FollowKind.PROJECT, following.Target(_check, _title, _link))
    following.register_event("delivery.status", labels.status_notice)
    following.register_event("delivery.update", labels.update_notice)
    app.jinja_env.globals.update(
        delivery_plan=project_plan,
        delivery_plans=services.round_plans,
        delivery_status_label=labels.status_label,
    )
