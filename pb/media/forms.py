"""The optional photo fields any form can carry (read the bytes in the view, store in services).

A view that takes them must be marked `@accepts_files("photo")` (pb.forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import StringField
from wtforms.validators import Length, Optional

from pb.media import images
from pb.media.services import ALT_TEXT_MAX


def photo_field() -> FileField:
    return FileField(
        _l("Photo (optional: JPEG, PNG or WebP, at most 8 MB)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


def alt_text_field() -> StringField:
    return StringField(
        _l("Describe the photo for people who cannot see it (required with a photo)"),
        validators=[Optional(), Length(max=ALT_TEXT_MAX)],
    )


def uploaded_bytes(field: FileField) -> bytes | None:
    """The uploaded file's bytes (at most one byte over the limit, so the service can refuse
    it), or None when no file was chosen."""
    upload = field.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    return upload.stream.read(images.MAX_BYTES + 1)
