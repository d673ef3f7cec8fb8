"""The census register: uploading it (hashed), binding an account to an entry, deleting it.

Uploading replaces the register of the wards the uploader may touch (an admin: all; an officer:
theirs) in one transaction: entries whose reference is in the new file keep their id and their
binding (their details and ward are updated; a ward change is remembered so rounds already voting
keep the old ward), entries missing from it are deleted, new ones added. A refused file changes
nothing. Binding is one conditional UPDATE (`WHERE user_id IS NULL`), so of any number of
concurrent attempts on one entry exactly one succeeds; `user_id` is unique, so one account holds
one entry.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from pb import clock, limits
from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.eligibility import census
from pb.eligibility.models import CensusEntry, CensusUpload
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.wards.models import Ward


class TooManyAttempts(Conflict):
    """Wrong details were typed too often for this account or this entry."""


def columns() -> tuple[str, ...]:
    return tuple(current_app.config["CENSUS_COLUMNS"])


def _key() -> str:
    return str(current_app.config["CENSUS_HMAC_KEY"])


def upload_wards(user: User) -> list[Ward]:
    """The wards whose register this user may replace."""
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(Ward).order_by(Ward.name)))
    if user.role is Role.OFFICER:
        return list(user.wards)
    return []


def import_register(text: str, *, actor: User) -> dict[str, int]:
    """Replace the register of the actor's wards with the file; returns what changed."""
    wards = {ward.code: ward for ward in upload_wards(actor)}
    if not wards:
        raise Forbidden(_("You are not an officer for any ward."))
    try:
        rows = census.parse(text, columns(), set(wards), _key())
    except census.CensusFileError as error:
        raise InvalidInput(" ".join(error.errors), field="file") from error
    now = clock.now()
    upload = CensusUpload(
        uploaded_by_id=actor.id,
        file_sha256=hashlib.sha256(text.encode()).hexdigest(),
        retain_until=now + timedelta(days=current_app.config["CENSUS_RETENTION_DAYS"]),
        uploaded_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    summary = _apply(rows, wards, upload, now)
    upload.summary = dict(summary)
    db.session.flush()
    audit.record(
        "census.uploaded",
        upload,
        {"sha256": upload.file_sha256, "wards": sorted(wards), **summary},
        actor=actor,
    )
    return dict(summary)


def _apply(
    rows: Sequence[census.Row], wards: dict[str, Ward], upload: CensusUpload, now: datetime
) -> Counter[str]:
    summary: Counter[str] = Counter(entries=len(rows))
    existing = {
        entry.reference_hash: entry
        for entry in db.session.scalars(
            select(CensusEntry).where(
                CensusEntry.reference_hash.in_([row.reference_hash for row in rows])
                | CensusEntry.ward_id.in_([ward.id for ward in wards.values()])
            )
        )
    }
    for row in rows:
        ward = wards[row.ward_code]
        entry = existing.pop(row.reference_hash, None)
        if entry is None:
            db.session.add(
                CensusEntry(
                    reference_hash=row.reference_hash,
                    details_hash=row.details_hash,
                    ward_id=ward.id,
                    upload_id=upload.id,
                )
            )
            summary["added"] += 1
            continue
        summary["changed" if entry.details_hash != row.details_hash else "unchanged"] += 1
        if entry.ward_id != ward.id:
            entry.previous_ward_id, entry.ward_id, entry.ward_changed_at = (
                entry.ward_id,
                ward.id,
                now,
            )
            summary["moved"] += 1
            if entry.user_id is not None:
                db.session.get(User, entry.user_id).home_ward_id = ward.id  # type: ignore[union-attr]
        entry.details_hash = row.details_hash
        entry.upload_id = upload.id
    for entry in existing.values():  # in the uploader's wards, missing from the new file
        summary["removed"] += 1
        summary["removed_bound"] += entry.user_id is not None
        db.session.delete(entry)
    db.session.flush()
    return summary


def entry_of(user: User) -> CensusEntry | None:
    return db.session.scalar(select(CensusEntry).where(CensusEntry.user_id == user.id))


def bind(user: User, values: Sequence[str]) -> CensusEntry:
    """Bind the account to the census entry these details match (the ward comes from it).

    The same refusal whether the reference is unknown or a detail is wrong; wrong details count
    against the account and against the entry whose reference was typed."""
    if entry_of(user) is not None:
        raise Conflict(_("Your account is already verified against the census."))
    reference = census.reference_hash(_key(), values[0])
    counters = [("census_account", f"user:{user.id}"), ("census_entry", f"entry:{reference}")]
    if any(limits.exceeded(name, key) for name, key in counters):
        raise TooManyAttempts(_("Too many attempts. Try again later, or ask the council."))
    entry = db.session.scalar(select(CensusEntry).where(CensusEntry.reference_hash == reference))
    if entry is None or entry.details_hash != census.details_hash(_key(), values):
        for name, key in counters:
            limits.hit(name, key)
        raise InvalidInput(
            _("These details do not match the register. Type them as on your council letter.")
        )
    return _claim(user, entry)


def _claim(user: User, entry: CensusEntry) -> CensusEntry:
    taken = _(
        "These details are already used by another account. Sign in with it, or ask the council."
    )
    try:
        with db.session.begin_nested():
            claimed = db.session.execute(
                update(CensusEntry)
                .where(CensusEntry.id == entry.id, CensusEntry.user_id.is_(None))
                .values(user_id=user.id)
            ).rowcount
    except IntegrityError as error:  # this account bound another entry at the same moment
        raise Conflict(_("Your account is already verified against the census.")) from error
    if claimed != 1:
        raise Conflict(taken)
    db.session.refresh(entry)
    user.home_ward_id = entry.ward_id  # the ward comes from the census, not from the resident
    db.session.flush()
    return entry


def purge_expired(now: datetime | None = None) -> int:
    """Delete every entry of uploads past their retention, then the uploads; returns entries."""
    now = now or clock.now()
    expired = list(
        db.session.scalars(select(CensusUpload.id).where(CensusUpload.retain_until <= now))
    )
    if not expired:
        return 0
    removed = db.session.execute(
        delete(CensusEntry).where(CensusEntry.upload_id.in_(expired))
    ).rowcount
    db.session.execute(delete(CensusUpload).where(CensusUpload.id.in_(expired)))
    db.session.flush()
    audit.record(
        "census.purged", ("census", "register"), {"uploads": len(expired), "entries": removed}
    )
    return int(removed or 0)


def latest_upload() -> CensusUpload | None:
    return db.session.scalar(select(CensusUpload).order_by(CensusUpload.id.desc()).limit(1))
