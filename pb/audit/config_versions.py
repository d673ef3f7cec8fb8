"""The bundle's config_versions.json: every version of an amended round's configuration.

The writing side of `pb.audit.amendments` (which describes the file and verifies it). A round
never amended gets no such file, so its bundle is exactly what it was before amendments existed.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from pb.audit import bundle
from pb.audit.amendments import AMENDED, FROZEN, VERSIONS_FORMAT
from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.rounds import amendments
from pb.rounds.models import Round


def bundle_file(round_: Round) -> dict[str, bytes]:
    """`{config_versions.json: ...}` for an amended round, else nothing."""
    versions = amendments.config_versions(round_)
    if len(versions) < 2:
        return {}
    entries = list(
        db.session.scalars(
            select(AuditEntry.seq)
            .where(
                AuditEntry.object_type == "round",
                AuditEntry.object_id == str(round_.id),
                AuditEntry.action.in_((FROZEN, AMENDED)),
            )
            .order_by(AuditEntry.seq)
        )
    )
    document = {
        "format": VERSIONS_FORMAT,
        "versions": [
            {"config": json.loads(text), "sha256": bundle.sha256_bytes(text.encode()), "entry": seq}
            for text, seq in zip(versions, entries[-len(versions) :], strict=True)
        ],
    }
    return {bundle.CONFIG_VERSIONS: bundle.dumps(document)}
