"""Issue 12, item 3: what anyone can download names nobody. A round's public bundle shows only
the genesis entry and that round's own entries; their actor references are pseudonyms of that
round alone, so they cannot be joined with another round's bundle, with any entry that names
content (a comment shown with its author's name), or with anything shown on the site."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role
from pb.audit import checkpoints, export
from pb.audit import services as audit
from pb.audit.chain import is_redacted
from pb.content import services as content
from pb.deliberation import comments, supports
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds.models import Phase
from tests import factories
from tests.audit.helpers import log_entries, run_round, unpack


def test_no_actor_reference_in_a_public_bundle_joins_to_a_name_on_the_site(
    app: Flask, client: FlaskClient
) -> None:
    open_round = factories.round_in_phase(Phase.PROPOSALS, voters=2, costs=())
    councillor, (alice, bob) = open_round.councillor, open_round.voters
    with factories.writing():
        draft = proposals.ProposalDraft(
            "Benches", "Twelve seats.", 10_000, open_round.ward.id, "Parks"
        )
        proposal = proposals.submit(open_round.round, draft, author=alice)
        comments.post(proposal, alice, "Yes please")  # shown with Alice's name
        comments.post(proposal, councillor, "We will look at it")  # and the councillor's
        supports.support(proposal, bob)
        db.session.commit()
    # two rounds in the same ward, where the same councillor acts too
    runs = [run_round([{0: 1}, {1: 1}], ward_=open_round.ward) for _ in range(2)]
    with factories.writing():
        for run in runs:
            content.save(run.setup.round, {}, {}, ("pl",), actor=councillor)
        checkpoints.sign_head()  # the scheduled checkpoint: bundles end at a signed head
        db.session.commit()
    bundles = [run.setup.round for run in runs]
    published = [export.round_bundle(round_, None) for round_ in bundles]
    shown = [[e for e in log_entries(unpack(data)) if not is_redacted(e)] for data in published]
    refs = [{e["actor_ref"] for e in entries} - {""} for entries in shown]
    mine = [audit.pseudonym(f"round:{r.id}:user:{councillor.id}") for r in bundles]
    assert all(ref in found for ref, found in zip(mine, refs, strict=True))  # she acted in both

    assert not refs[0] & refs[1]  # one person, two rounds: nothing in common
    for data, entries, found in zip(published, shown, refs, strict=True):
        assert {e["object_type"] for e in entries[1:]} == {"round"}  # no comment, no support
        published_seqs = {e["seq"] for e in entries}
        elsewhere = {e.actor_ref for e in audit.entries() if e.seq not in published_seqs}
        assert not found & elsewhere  # not the reference of any comment, support or account
        text = b"".join(unpack(data).values()).decode()
        for person in (alice, bob, councillor):
            assert person.display_name not in text and person.email not in text
    # Every page that shows names (the auditor's log page shows these very entries, by
    # reference and never with a name, so it joins nothing: `elsewhere` above covers the log).
    factories.login(client, factories.user(Role.AUDITOR))
    pages = [
        f"/rounds/{open_round.round.id}/projects/{proposal.id}",
        f"/proposals/{proposal.id}/history",
        "/transparency",
        *(f"/rounds/{r.id}" for r in bundles),
        *(f"/rounds/{r.id}/transparency" for r in bundles),
    ]
    site = ""
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        site += response.get_data(as_text=True)
    assert alice.display_name in site and councillor.display_name in site
    for ref in refs[0] | refs[1]:
        assert ref[:8] not in site  # the log page shows 8 digits of a reference
