"""Issue 12, item 17: `pb export` (and the download) refuses with a message that says why, and
what would allow it: nobody during voting, only auditors and the round's councillors between
the close and publication, anyone after."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.accounts.models import Role
from pb.audit import export
from pb.errors import NotFound
from pb.rounds.models import Phase
from tests import factories
from tests.audit.helpers import run_round


def test_during_voting_nobody_not_even_an_auditor(app: Flask) -> None:
    voting = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}])
    for person in (None, factories.user(Role.AUDITOR), voting.councillor):
        with pytest.raises(NotFound, match="before voting has closed and the votes are counted"):
            export.round_bundle(voting.round, person)


def test_after_the_close_the_message_names_who_may_and_what_publishes_it(app: Flask) -> None:
    closed = run_round([{0: 1}], publish=False).setup
    with pytest.raises(NotFound) as refused:
        export.round_bundle(closed.round, None)
    message = refused.value.message
    assert "not published yet" in message and "an auditor" in message
    assert "pb export --as" in message and "publishes the results" in message
    with pytest.raises(NotFound, match="not published yet"):
        export.round_bundle(closed.round, factories.user(Role.CITIZEN))
    assert export.round_bundle(closed.round, closed.councillor)  # the round's councillor may
