"""Wards and the postcode list."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from sqlalchemy import delete, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.errors import InvalidInput, NotFound
from pb.extensions import db
from pb.wards.models import Postcode, Ward, normalise_postcode


def all_wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def get_ward(ward_id: int) -> Ward:
    ward = db.session.get(Ward, ward_id)
    if ward is None:
        raise NotFound(_("No such ward."))
    return ward


def save_ward(ward: Ward | None, code: str, name: str, *, actor: User | None) -> Ward:
    code, name = code.strip().upper(), name.strip()
    clash = db.session.scalar(
        select(Ward)
        .where((Ward.code == code) | (Ward.name == name))
        .where(Ward.id != (ward.id if ward else -1))
    )
    if clash is not None:
        raise InvalidInput(_("Another ward already has this code or name."), field="code")
    action = "ward.edited" if ward else "ward.created"
    ward = ward or Ward()
    ward.code, ward.name = code, name
    db.session.add(ward)
    db.session.flush()
    audit.record(action, ward, {"code": code, "name": name}, actor=actor)
    return ward


def import_postcodes(csv_text: str, *, actor: User | None) -> int:
    """Replace the postcode list from CSV rows `postcode,ward_code`; all or nothing."""
    codes = {ward.code: ward.id for ward in all_wards()}
    rows: dict[str, int] = {}
    reader = csv.reader(io.StringIO(csv_text))
    for line_number, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip():
            continue
        if line_number == 1 and row[0].strip().lower() == "postcode":
            continue  # header
        if len(row) != 2:
            raise InvalidInput(
                _("Line %(line)d: expected two columns, postcode and ward code.", line=line_number),
                field="file",
            )
        postcode, ward_code = normalise_postcode(row[0]), row[1].strip().upper()
        if not postcode or len(postcode) > 16:
            raise InvalidInput(
                _("Line %(line)d: invalid postcode.", line=line_number), field="file"
            )
        if ward_code not in codes:
            raise InvalidInput(
                _("Line %(line)d: unknown ward code %(code)s.", line=line_number, code=ward_code),
                field="file",
            )
        rows[postcode] = codes[ward_code]
    db.session.execute(delete(Postcode))
    db.session.add_all(Postcode(postcode=p, ward_id=w) for p, w in rows.items())
    db.session.flush()
    audit.record("postcodes.imported", ("postcodes", "all"), {"count": len(rows)}, actor=actor)
    return len(rows)
