"""A frozen round on the ballot's steps as its row, not an ORM object.

Each step of the ballot (page, review, cast) reads the round. Loading it as a `Round` cost about
twice as much processor time as reading the same row (the ORM's identity map, instance state and
loading path), three times a ballot. A frozen round's steps read only its columns, its ward ids
(kept per process by config hash: `pb.rounds.services.frozen_ward_ids`) and `is_frozen`, so
they get the row as a `RoundRow`, read afresh on every request like the object was: phase,
dates, translations and all. Anything else (a relationship such as `wards`) is asked of the
`Round` in this request's session, so a template or service that needs more still gets the
right answer, one query later. Rounds not frozen, drafts and missing rounds take the old path.

The row is read with the signed-in user's own statement (`with_round`, `keep_round`: one
statement a step instead of two, 2026-12-04), in the same transaction the view's read was in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from flask import g
from sqlalchemy import Row, Select, bindparam

from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.rounds.services import frozen_ward_ids, round_row


class RoundRow:
    """A round's columns as attributes (their Python values, as on `Round`), with its wards' ids
    and `is_frozen`; any other attribute comes from the `Round` of this request's session."""

    def __init__(self, row: Mapping[str, Any], ward_ids: frozenset[int]) -> None:
        self.__dict__.update(row)
        self.ward_ids = ward_ids

    @property
    def is_frozen(self) -> bool:
        return self.config_hash is not None

    def __getattr__(self, name: str) -> Any:  # only for what the row does not hold
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(db.session.get(Round, self.__dict__["id"]), name)

    def __repr__(self) -> str:
        return f"<RoundRow {self.__dict__.get('id')} {self.__dict__.get('phase')}>"


def frozen_round_row(round_id: int) -> Round | None:
    """The round as a `RoundRow` when it is frozen and not a draft (seen by everyone who may
    vote), else None: the caller loads the `Round` and applies its rules as before."""
    kept = g.pop(_KEPT, None)
    if kept is not None and kept[0] == round_id:
        row = kept[1]  # read with the user (`keep_round`), once
    else:
        found = round_row(round_id)
        row = None if found is None else found._mapping
    if row is None or row["config_hash"] is None or row["phase"] is Phase.DRAFT:
        return None
    # Stands in for a `Round` on the ballot's steps (the attributes they read): typed as one.
    return cast(Round, RoundRow(row, frozen_ward_ids(round_id, row["config_hash"])))


_rounds = Round.__table__
# Each column of the round under a name of its own (the user's columns share some names).
_LABELLED = tuple(column.label(f"round_{column.name}") for column in _rounds.columns)
_KEPT = "pb_round_row_with_user"


def with_round(statement: Select[Any]) -> Select[Any]:
    """`statement` (the signed-in user's, one row or none) with the columns of the round
    named by its `round_id` parameter, NULL when there is no such round."""
    return statement.add_columns(*_LABELLED).outerjoin(
        _rounds, _rounds.c.id == bindparam("round_id")
    )


def keep_round(round_id: int, row: Row[Any]) -> None:
    """Keep the round's columns read by `with_round` for this request's `frozen_round_row`."""
    found = row._mapping
    columns = (
        None
        if found["round_id"] is None
        else {
            column.name: found[label]
            for column, label in zip(_rounds.columns, _LABELLED, strict=True)
        }
    )
    g.setdefault(_KEPT, (round_id, columns))
