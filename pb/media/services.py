"""Storing uploaded images, for any domain (delivery photos, proposal images, inspections).

    media = media.services.store(data, alt_text, owner=user)   # bytes in, a Media row out
    url_for("media.show", media_id=media.id)                   # where a page shows it

`store` refuses with InvalidInput (422, field "photo") and writes nothing when the bytes are not
an image we accept (images.clean says why) or the alternative text is missing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pb.accounts.models import User
from pb.audit import services as audit
from pb.errors import InvalidInput, NotFound
from pb.extensions import db
from pb.media import images
from pb.media.models import Media

ALT_TEXT_MAX = 300
REFUSALS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The image is too large: send a file of at most 8 MB."),
    "not_image": _l("This file is not a JPEG, PNG or WebP image."),
    "too_many_pixels": _l("The image has too many pixels: at most 40 megapixels."),
    "damaged": _l("The image is damaged or incomplete."),
}


def store(data: bytes, alt_text: str, *, owner: User | None, field: str = "photo") -> Media:
    """Check and re-encode `data`, then keep it with its alternative text (required)."""
    alt = " ".join((alt_text or "").split())
    if not alt:
        raise InvalidInput(_("Describe the image for people who cannot see it."), field=field)
    if len(alt) > ALT_TEXT_MAX:
        raise InvalidInput(
            _("The description is too long (at most %(n)d characters).", n=ALT_TEXT_MAX),
            field=field,
        )
    try:
        image = images.clean(data)
    except images.ImageRefused as refused:
        raise InvalidInput(str(REFUSALS[refused.reason]), field=field) from refused
    media = Media(
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        data=image.data,
        alt_text=alt,
        owner_id=owner.id if owner is not None else None,
    )
    db.session.add(media)
    db.session.flush()
    audit.record(
        "media.stored",
        media,
        {"sha256": image.sha256, "content_type": image.content_type, "bytes": len(image.data)},
        actor=owner,
    )
    return media


def get(media_id: int) -> Media:
    media = db.session.get(Media, media_id)
    if media is None:
        raise NotFound(_("There is no such image."))
    return media
