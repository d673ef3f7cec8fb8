"""Wards (the areas a round spends money in) and the postcode list that places citizens in them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pb.extensions import db


class Ward(db.Model):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    postcodes: Mapped[list[Postcode]] = relationship(back_populates="ward")

    def __repr__(self) -> str:
        return f"<Ward {self.code}>"


class Postcode(db.Model):
    """One postcode → ward row of the list an admin uploads; postcodes are stored normalised."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(16), primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)

    ward: Mapped[Ward] = relationship(back_populates="postcodes")


def normalise_postcode(text: str) -> str:
    return "".join(text.split()).upper()
