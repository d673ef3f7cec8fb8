"""Delivery and co-assessment meet in one place: marking a funded project done (pb/delivery)
opens its rating window and invites the ward's verified residents (pb/assessment's hook)."""

from __future__ import annotations

from flask import Flask

from pb.accounts.models import Role
from pb.assessment.models import Invitation, ProjectAssessment
from pb.delivery import services as delivery
from pb.delivery.models import DeliveryStatus
from pb.extensions import db
from tests import factories
from tests.assessment.helpers import funded_round


def test_marking_a_project_done_opens_its_rating_window(app: Flask) -> None:
    setup = funded_round()
    resident = factories.user(Role.CITIZEN, home=setup.ward)
    project = setup.projects[0]
    with factories.writing():
        delivery.change_status(
            setup.officer, project, DeliveryStatus.IN_PROGRESS, "Work started on site."
        )
    assert db.session.get(ProjectAssessment, project.id) is None  # not done yet
    with factories.writing():
        delivery.change_status(setup.officer, project, DeliveryStatus.DONE, "Opened to all.")
    window = db.session.get(ProjectAssessment, project.id)
    assert window is not None and window.round_id == setup.round.id
    invited = db.session.query(Invitation.user_id).filter_by(proposal_id=project.id).all()
    assert (resident.id,) in invited
