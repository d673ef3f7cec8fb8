"""The demo loader builds what the README promises, on both databases, through the services."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import User
from pb.extensions import db
from pb.proposals import demo_projects
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds.models import Phase, Round
from pb.voting import services as voting


def test_demo_loads_once_with_its_promised_contents(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["pb", "demo"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["pb", "demo"])
    assert "already present" in again.output
    db.session.rollback()
    emails = set(db.session.scalars(sa.select(User.email).where(User.email.like("%@demo.test"))))
    assert {
        f"{role}@demo.test" for role in ("citizen", "councillor", "officer", "auditor", "admin")
    } <= emails
    everything = list(db.session.scalars(sa.select(Round)))
    rounds = {r.phase: r for r in everything if r.ballot_format != "pairwise"}
    (pairwise,) = (r for r in everything if r.ballot_format == "pairwise")
    assert pairwise.phase == Phase.VOTING and voting.ballot_count(pairwise) >= 100
    voting_round = rounds[Phase.VOTING]
    assert 12 <= len(demo_projects.RIVERSIDE_PROJECTS) <= 18
    assert voting.ballot_count(voting_round) >= 200
    assert voting.ballot_count(voting_round) == voting.participation_count(voting_round)
    published = rounds[Phase.PUBLISHED]
    assert results.get_result(published).published_at is not None
    assert Phase.PROPOSALS in rounds
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "citizen@demo.test", "password": "demo"}).status_code
        == 302
    )
    assert client.get(f"/rounds/{voting_round.id}/ballot").status_code == 200
    assert "which would you rather fund?" in client.get(f"/rounds/{pairwise.id}/ballot").text
    assert app.test_client().get(f"/rounds/{published.id}/results").status_code == 200
    # the open round was extended after an outage: the public sees why
    assert "six hours last Saturday" in app.test_client().get(f"/rounds/{voting_round.id}").text


def test_the_demo_shows_a_census_round_and_a_newcomer_who_verifies(app: Flask) -> None:
    from pb.eligibility.demo import NEWCOMER

    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    db.session.rollback()
    # the first round of each phase (the pairwise demo round also votes, self-declared)
    rounds = {r.phase: r for r in db.session.scalars(sa.select(Round).order_by(Round.id.desc()))}
    assert rounds[Phase.VOTING].verification_methods == ["census", "code", "in_person"]
    assert rounds[Phase.PUBLISHED].verification_methods == ["email"]
    published_page = app.test_client().get(f"/rounds/{rounds[Phase.PUBLISHED].id}/results")
    assert b"Self-declared round." in published_page.data
    client = app.test_client()
    client.post("/login", data={"email": "newcomer@demo.test", "password": "demo"})
    ballot = f"/rounds/{rounds[Phase.VOTING].id}/ballot"
    assert b"verify your account" in client.get(ballot).data
    form = dict(zip(("col_reference", "col_date_of_birth", "col_postcode"), NEWCOMER, strict=True))
    assert client.post("/account/census", data=form).status_code == 302
    assert b'id="ballot-form"' in client.get(ballot).data
    # the poll clerk finds a resident without an account and marks them for a paper ballot
    from pb.eligibility.demo import STATION_VISITORS

    clerk = app.test_client()
    assert (
        clerk.post("/login", data={"email": "clerk@demo.test", "password": "demo"}).status_code
        == 302
    )
    station = f"/station/rounds/{rounds[Phase.VOTING].id}"
    assert station in clerk.get("/station").text
    visitor = dict(zip(form, STATION_VISITORS[0], strict=True)) | {"where": "paper"}
    assert clerk.post(station, data=visitor).status_code == 302

    # a letter's code votes once, without an account, in the census-and-code round
    from pb.eligibility.demo import DEMO_CODE

    project = db.session.scalars(
        sa.select(Proposal.id).where(Proposal.round_id == rounds[Phase.VOTING].id)
    ).first()
    by_post = app.test_client()
    assert by_post.post("/code", data={"code": DEMO_CODE}).status_code == 200
    form = {"code": DEMO_CODE, f"project-{project}": "1"}
    assert by_post.post("/code/cast", data=form).status_code == 200
    assert by_post.post("/code/cast", data=form).status_code == 409


def test_the_demo_shows_delivery_in_every_state_with_a_photo(app: Flask) -> None:
    from pb.delivery.models import DeliveryPlan, DeliveryStatus

    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    plans = db.session.scalars(sa.select(DeliveryPlan)).all()
    assert {plan.status for plan in plans} == set(DeliveryStatus)
    done = next(plan for plan in plans if plan.status is DeliveryStatus.DONE)
    photo = next(update.photo for update in done.updates if update.photo)
    client = app.test_client()
    page = client.get(f"/rounds/{done.round_id}/projects/{done.proposal_id}/delivery").text
    assert f'src="/media/{photo.id}"' in page and photo.alt_text in page
    assert client.get(f"/media/{photo.id}").mimetype == "image/jpeg"


def test_the_demo_shows_proposals_with_pictures_locations_and_a_followed_one(app: Flask) -> None:
    from pb.following import services as following
    from pb.following.models import FollowKind
    from pb.proposals.models import Proposal

    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    pictured = db.session.scalars(sa.select(Proposal).where(Proposal.image_id.is_not(None))).all()
    assert len(pictured) == 2 and all(p.location for p in pictured)
    youth = pictured[0].round
    page = app.test_client().get(f"/rounds/{youth.id}/proposals").text
    for proposal in pictured:
        assert f'src="/media/{proposal.image_id}" alt="{proposal.image.alt_text}"' in page
        assert proposal.location in page
    citizen = db.session.scalar(sa.select(User).where(User.email == "citizen@demo.test"))
    follows = following.follows_of(citizen)
    assert {f.kind for f in follows} == {FollowKind.PROJECT, FollowKind.PROPOSAL}
    texts = [following.message(n) for n in following.listing(citizen).items]
    assert any("commented on “Free swimming lessons" in text for text in texts)


def test_the_demo_shows_the_outcomes_report_with_real_figures(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    published = db.session.scalars(
        sa.select(Round).where(Round.phase == Phase.PUBLISHED, Round.ballot_format != "pairwise")
    ).one()
    client = app.test_client()
    page = client.get(f"/rounds/{published.id}/outcomes").text
    assert "of public money" in page and "of value was co-produced" in page
    lines = client.get(f"/rounds/{published.id}/outcomes.csv").text.splitlines()
    figures = {line.rsplit(",", 1)[0]: line.rsplit(",", 1)[1] for line in lines[1:]}
    for measure in ("allocated", "spent"):
        assert float(figures[f"money,,{measure}"]) > 0, measure
    assert int(figures["money,,projects_delivered"]) >= 1
    for measure in ("hours_pledged", "hours_given", "value_of_hours_given"):
        assert float(figures[f"time,,{measure}"]) > 0, measure
    for measure in ("proposers", "voters", "volunteers"):
        assert int(figures[f"participation,,{measure}"]) > 0, measure
    assert any(key.startswith("rating,") and key.endswith(",mean") for key in figures)
