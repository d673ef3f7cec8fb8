"""The demo's browsing part (issue 17): pictures and locations on the youth round's proposals,
the demo resident following two of them (the discussion that follows brings notices), and the
authors on a daily digest, so the demo's supports do not become one e-mail each."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from pb.accounts.models import User
from pb.following import digest
from pb.following import services as following
from pb.following.models import AuthorEmail, FollowKind
from pb.media import services as media
from pb.proposals.models import Proposal

LOCATIONS = ["Riverside Leisure Centre, RV1 2AB", "Riverside Park, by the bandstand", "Mill Lane"]
PICTURES = [
    ((90, 170, 220), "A drawing of a swimming pool with lane ropes"),
    ((90, 160, 80), "A drawing of a round wooden shelter on the grass of the park"),
]


def populate(proposals: list[Proposal], authors: list[User], follower: User) -> None:
    for author in authors:
        digest.choose(author, AuthorEmail.DAILY)
    for proposal, location in zip(proposals, LOCATIONS, strict=False):
        proposal.location = location
    for proposal, (colour, alt) in zip(proposals, PICTURES, strict=False):
        proposal.image_id = media.store(_picture(colour), alt, owner=proposal.author).id
    for proposal in proposals[:2]:
        following.follow(follower, FollowKind.PROPOSAL, proposal.id, email=False)


def _picture(colour: tuple[int, int, int]) -> bytes:
    """A small picture drawn with Pillow (no binary file is kept in the repository)."""
    image = Image.new("RGB", (640, 400), (150, 200, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 240, 640, 400), fill=colour)
    draw.ellipse((260, 140, 380, 260), fill=(120, 80, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
