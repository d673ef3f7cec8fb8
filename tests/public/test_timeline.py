"""The public timeline of a round lists only steps that take some time."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from pb.public import services
from pb.rounds.models import Phase
from tests import factories


def test_a_review_with_no_time_of_its_own_is_left_out(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    round_ = setup.round
    with app.test_request_context():
        labels = [str(step.label) for step in services.timeline(round_)]
        assert labels == ["Proposals", "Review by council officers", "Voting"]
        round_.voting_open_at = round_.proposals_close_at
        labels = [str(step.label) for step in services.timeline(round_)]
        assert labels == ["Proposals", "Voting"]
    factories.db.session.commit()
    page = app.test_client().get(f"/rounds/{round_.id}").text
    assert "Review by council officers" not in page


def test_steps_say_past_current_and_future(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    round_ = setup.round
    with app.test_request_context():
        now = round_.proposals_close_at + timedelta(seconds=1)
        states = [step.state for step in services.timeline(round_, now)]
    assert states[0] == "past" and states[-1] == "future"
