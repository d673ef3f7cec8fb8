"""Saving councillors' translations of a round's texts (title, description, categories) and of
its projects' titles and descriptions. Display only: the frozen configuration and the ballot
keep the original texts, so translations can be corrected at any phase."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from pb.accounts.models import User
from pb.audit import services as audit
from pb.errors import Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals import services as proposals
from pb.rounds import services as rounds
from pb.rounds.models import Round

MAX_LENGTH = {"title": 200, "description": 10_000}
Texts = Mapping[str, Mapping[str, str]]  # language -> field -> text


def _clean(texts: Texts, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    cleaned: dict[str, dict[str, str]] = {}
    for language, fields in texts.items():
        if language not in languages:
            raise InvalidInput(_("Unknown language."))
        for name, text in fields.items():
            text = text.strip()
            limit = MAX_LENGTH.get(name.split(":")[0], 200)
            if len(text) > limit:
                raise InvalidInput(
                    _("A translation is too long (at most %(num)d characters).", num=limit)
                )
            if text:
                cleaned.setdefault(language, {})[name] = text
    return cleaned


def save(
    round_: Round,
    round_texts: Texts,
    project_texts: Mapping[int, Texts],
    languages: tuple[str, ...],
    *,
    actor: User,
) -> None:
    """Replace the round's and its projects' translations with these (empty texts are dropped)."""
    if not rounds.can_manage(actor, round_):
        raise Forbidden(_("You are not a councillor for this round's wards."))
    round_.translations = _clean(round_texts, languages)
    changed = []
    for proposal in proposals.round_proposals(round_):
        texts = _clean(project_texts.get(proposal.id, {}), languages)
        if texts != (proposal.translations or {}):
            proposal.translations = texts
            changed.append(proposal.id)
    db.session.flush()
    audit.record(
        "round.translations_saved",
        round_,
        {"languages": sorted(round_.translations), "projects": changed},
        actor=actor,
    )
