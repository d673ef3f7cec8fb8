"""Access codes by post: issuing them to a ward (bound to census entries when the round uses the
census), revoking and reissuing one, and redeeming one to cast one anonymous ballot.

Only a keyed hash of a code is stored (HMAC-SHA-256 under CENSUS_HMAC_KEY, outside the database,
with its own purpose string), so the codes themselves exist only in the response that issues
them. A code's participation key is its census entry's ("census:<reference hash>") when it is
bound, where the same person's online ballot would be recorded; else "code:<id>". Redeeming marks
the code with one `UPDATE … WHERE redeemed_at IS NULL AND revoked_at IS NULL` in the transaction
that writes the participation and the ballot: of any number of attempts at one code, one casts.
Batches and revocations are audited with counts, never codes or references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from pb import clock, limits
from pb.accounts.models import User
from pb.audit import services as audit
from pb.eligibility import census, codes, register, services
from pb.eligibility.models import AccessCode, CensusEntry
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.voting import services as voting
from pb.voting.formats import Choices
from pb.wards.models import Ward

MAX_BATCH = 1000  # codes in one batch: one response holds their letters (QR codes take ~15 ms each)
ISSUING_PHASES = (Phase.DRAFT, Phase.PROPOSALS, Phase.DELIBERATION, Phase.REVIEW, Phase.VOTING)


class TooManyAttempts(Conflict):
    """Too many wrong codes from this client: answered 429."""


@dataclass(frozen=True)
class IssuedCode:
    code: str  # grouped, as printed: shown once, never stored
    reference: str  # the census reference the letter goes to ("" when not bound)


def code_hash(canonical: str) -> str:
    return census._mac(register._key(), "access-code", [canonical])


def uses_census(round_: Round) -> bool:
    return "census" in services.methods_of(round_)


def issuing_wards(user: User, round_: Round) -> list[Ward]:
    """The round's wards this officer (or admin) may issue codes for."""
    mine = {ward.id for ward in register.upload_wards(user)}
    return [ward for ward in round_.wards if ward.id in mine]


def rounds_for(user: User) -> list[Round]:
    """Rounds taking access codes in which this officer (or admin) may issue them."""
    mine = {ward.id for ward in register.upload_wards(user)}
    found = db.session.scalars(select(Round).where(Round.phase.in_(ISSUING_PHASES)))
    return [
        round_
        for round_ in found
        if "code" in services.methods_of(round_) and round_.ward_ids & mine
    ]


def _check_round(user: User, round_: Round, ward_id: int) -> Ward:
    ward = next((w for w in issuing_wards(user, round_) if w.id == ward_id), None)
    if ward is None:
        raise Forbidden(_("You are not an officer for this ward."))
    if "code" not in services.methods_of(round_):
        raise Conflict(_("This round does not accept access codes: a councillor can add them."))
    if round_.phase not in ISSUING_PHASES:
        raise Conflict(_("Voting has closed: no more codes can be issued."))
    return ward


def issue(
    round_: Round, ward_id: int, *, actor: User, count: int = 0, references: Sequence[str] = ()
) -> list[IssuedCode]:
    """A batch of codes for one ward: `count` of them, or, when the round uses the census, one
    per census reference given (each must be an entry of that ward without a live code)."""
    ward = _check_round(actor, round_, ward_id)
    if uses_census(round_):
        entries = _entries_for(round_, ward, references)
        issued = [_new_code(round_, ward, entry, ref) for ref, entry in entries]
    else:
        if not 1 <= count <= MAX_BATCH:
            raise InvalidInput(
                _("Choose between 1 and %(max)d codes.", max=MAX_BATCH), field="count"
            )
        issued = [_new_code(round_, ward, None, "") for _ in range(count)]
    db.session.flush()
    data = {"ward": ward.code, "codes": len(issued), "bound_to_census": uses_census(round_)}
    audit.record("codes.issued", round_, data, actor=actor)
    return issued


def _entries_for(
    round_: Round, ward: Ward, references: Sequence[str]
) -> list[tuple[str, CensusEntry]]:
    cleaned = [(line, ref.strip()) for line, ref in enumerate(references, start=1)]
    cleaned = [(line, ref) for line, ref in cleaned if ref]
    if not cleaned:
        raise InvalidInput(_("Give the census references of the letters."), field="references")
    if len(cleaned) > MAX_BATCH:
        raise InvalidInput(_("Choose between 1 and %(max)d codes.", max=MAX_BATCH))
    key = register._key()
    hashes = {census.reference_hash(key, ref) for _, ref in cleaned}
    entries = {
        entry.reference_hash: entry
        for entry in db.session.scalars(
            select(CensusEntry).where(CensusEntry.reference_hash.in_(hashes))
        )
    }
    live = set(
        db.session.scalars(
            select(AccessCode.census_entry_id).where(
                AccessCode.round_id == round_.id, AccessCode.revoked_at.is_(None)
            )
        )
    )
    found, errors, seen = [], [], set()
    for line, ref in cleaned:
        entry = entries.get(census.reference_hash(key, ref))
        if entry is None or services.census_ward(entry, round_) != ward.id:
            errors.append(_("Line %(line)d: not in this ward's census register.", line=line))
        elif entry.id in seen:
            errors.append(_("Line %(line)d: the same reference twice.", line=line))
        elif entry.id in live:
            errors.append(
                _("Line %(line)d: already has a code (revoke it to issue another).", line=line)
            )
        else:
            seen.add(entry.id)
            found.append((ref, entry))
    if errors:
        raise InvalidInput(" ".join(errors[: census.MAX_ERRORS]), field="references")
    return found


def _new_code(round_: Round, ward: Ward, entry: CensusEntry | None, reference: str) -> IssuedCode:
    canonical = codes.generate()
    db.session.add(
        AccessCode(
            code_hash=code_hash(canonical),
            round_id=round_.id,
            ward_id=ward.id,
            census_entry_id=entry.id if entry else None,
            created_at=clock.now(),
        )
    )
    return IssuedCode(codes.grouped(canonical), reference)


def revoke(round_: Round, typed: str, *, actor: User, reissue: bool) -> IssuedCode | None:
    """Revoke the live code named by the code itself or by its census reference; with
    `reissue`, issue a new one to the same entry (or the same ward) and return it."""
    code, reference = _code_named(round_, typed)
    _check_round(actor, round_, code.ward_id)
    if code.redeemed_at is not None:
        raise Conflict(_("This code has been used to vote: it can no longer be revoked."))
    code.revoked_at = clock.now()
    issued = None
    if reissue:
        entry = db.session.get(CensusEntry, code.census_entry_id) if code.census_entry_id else None
        issued = _new_code(round_, db.session.get(Ward, code.ward_id), entry, reference)  # type: ignore[arg-type]
    db.session.flush()
    data = {"codes": 1, "reissued": int(issued is not None)}
    audit.record("codes.revoked", round_, data, actor=actor)
    return issued


def _code_named(round_: Round, typed: str) -> tuple[AccessCode, str]:
    live = select(AccessCode).where(
        AccessCode.round_id == round_.id, AccessCode.revoked_at.is_(None)
    )
    try:
        canonical = codes.canonical(typed)
    except codes.CodeFormatError:
        reference = typed.strip()[:100]
        entry_hash = census.reference_hash(register._key(), reference)
        entry = db.session.scalar(
            select(CensusEntry.id).where(CensusEntry.reference_hash == entry_hash)
        )
        found = None
        if entry is not None:
            found = db.session.scalar(live.where(AccessCode.census_entry_id == entry))
    else:
        reference = ""
        found = db.session.scalar(live.where(AccessCode.code_hash == code_hash(canonical)))
    if found is None:
        raise NotFound(_("No live code of this round matches."), field="code")
    return found, reference


def find(typed: str, *, client: str) -> AccessCode:
    """The live code someone typed. A malformed code (length, symbols, check) is refused before
    the database is asked; unknown codes count against the `access_code` limit of `client`
    (the client's address)."""
    try:
        canonical = codes.canonical(typed)
    except codes.CodeFormatError as error:
        raise InvalidInput(
            _("This is not a valid code: check each character against your letter."),
            field="code",
        ) from error
    if limits.exceeded("access_code", client):
        raise TooManyAttempts(_("Too many wrong codes. Try again later, or ask the council."))
    code = db.session.scalar(select(AccessCode).where(AccessCode.code_hash == code_hash(canonical)))
    if code is None or code.revoked_at is not None:
        limits.hit("access_code", client)
        raise InvalidInput(
            _("This code is not valid. Check it against your letter, or ask the council."),
            field="code",
        )
    if code.redeemed_at is not None:
        raise Conflict(_("This code has already been used to vote."), field="code")
    return code


def participant(code: AccessCode, round_: Round) -> services.Participant:
    """Who the code takes part as: its census entry's key when bound, else its own."""
    if code.census_entry_id is not None:
        entry = db.session.get(CensusEntry, code.census_entry_id)
        ward = services.census_ward(entry, round_) if entry else None
        if entry is not None and ward in round_.ward_ids:
            return services.Participant(f"census:{entry.reference_hash}", ward, "code")
    if uses_census(round_) or code.ward_id not in round_.ward_ids:
        raise Forbidden(_("This code's register entry is no longer in this round's wards."))
    return services.Participant(f"code:{code.id}", code.ward_id, "code")


def redeem(typed: str, choices: Choices, *, client: str) -> str:
    """Mark the code used and cast its one ballot, in this transaction; returns the receipt."""
    code = find(typed, client=client)
    round_ = db.session.get(Round, code.round_id)
    who = participant(code, round_)  # type: ignore[arg-type]
    marked = db.session.execute(
        update(AccessCode)
        .where(
            AccessCode.id == code.id,
            AccessCode.redeemed_at.is_(None),
            AccessCode.revoked_at.is_(None),
        )
        .values(redeemed_at=clock.now())
    ).rowcount
    if marked != 1:
        raise Conflict(_("This code has already been used to vote."), field="code")
    return voting.cast_as(round_, who, choices, channel="code")  # type: ignore[arg-type]


def counts(round_: Round) -> dict[str, int]:
    """Codes of the round: issued, used, revoked (for the officer's page)."""
    rows = list(
        db.session.execute(
            select(AccessCode.redeemed_at, AccessCode.revoked_at).where(
                AccessCode.round_id == round_.id
            )
        )
    )
    return {
        "issued": len(rows),
        "redeemed": sum(1 for used, _revoked in rows if used is not None),
        "revoked": sum(1 for _used, revoked in rows if revoked is not None),
    }
