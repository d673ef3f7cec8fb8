"""Checking and re-encoding an uploaded image with Pillow (no database, no Flask).

The type comes from the bytes (Pillow's decoders, limited to JPEG, PNG and WebP), never from the
file name or the browser's content type. Dimensions are checked from the header before any pixel
is decoded (a small file can claim a huge canvas: a decompression bomb). The whole image is then
decoded (a truncated file fails here), turned upright by its EXIF orientation, shrunk to
MAX_SIDE, and its pixels copied into a fresh image, so nothing of the original file's metadata
(EXIF with GPS, XMP, ICC profiles, comments, text chunks) can survive the re-encoding.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # what a 40-megapixel camera takes; more is refused before decoding
MAX_SIDE = 2048  # the longest side kept: enough for any screen, small to store and serve
# Pillow format -> (the format written, its content type). Alpha is kept in PNG and WebP.
FORMATS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "WEBP": ("WEBP", "image/webp"),
}


class ImageRefused(ValueError):
    """The upload is not an image we accept; `reason` says which rule refused it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def clean(data: bytes) -> CleanImage:
    """Check `data` and return it re-encoded without metadata; raise ImageRefused otherwise.

    Reasons: "empty", "too_large" (bytes), "not_image", "too_many_pixels", "damaged"."""
    if not data:
        raise ImageRefused("empty")
    if len(data) > MAX_BYTES:
        raise ImageRefused("too_large")
    with warnings.catch_warnings():
        # Pillow warns (then raises) past its own pixel limit: both mean a bomb here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
            raise ImageRefused("damaged") from error
    out_format, content_type = FORMATS[str(image.format)]
    encoded = _encode(_fresh(upright, out_format), out_format)
    with Image.open(io.BytesIO(encoded)) as check:
        width, height = check.size
    return CleanImage(encoded, content_type, width, height, hashlib.sha256(encoded).hexdigest())


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused("too_many_pixels") from error
    except (OSError, SyntaxError, ValueError) as error:  # UnidentifiedImageError is an OSError
        raise ImageRefused("not_image") from error
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ImageRefused("too_many_pixels")
    if getattr(image, "n_frames", 1) > 1:  # animations: refused rather than silently flattened
        raise ImageRefused("not_image")
    return image


def _fresh(image: Image.Image, out_format: str) -> Image.Image:
    """The pixels alone, in a mode the output format takes, at most MAX_SIDE on a side."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha and out_format != "JPEG" else "RGB"
    converted = image.convert(mode)
    converted.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from raw pixels: no info dict, no EXIF, no ICC profile can be carried over.
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, out_format: str) -> bytes:
    buffer = io.BytesIO()
    if out_format == "JPEG":
        image.save(buffer, "JPEG", quality=85, optimize=True)
    elif out_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=85)
    return buffer.getvalue()
