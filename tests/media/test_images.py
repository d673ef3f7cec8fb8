"""Image checks without a database: real image bytes made by Pillow, and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from pb.media import images


def picture(
    fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save
) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show upright
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    return picture("JPEG", (80, 40), exif=exif.tobytes(), icc_profile=b"\0" * 128)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_each_accepted_format_is_reencoded_in_kind(fmt: str, content_type: str) -> None:
    cleaned = images.clean(picture(fmt))
    assert cleaned.content_type == content_type
    assert (cleaned.width, cleaned.height) == (64, 48)
    with Image.open(io.BytesIO(cleaned.data)) as again:
        assert again.format == fmt


def test_metadata_is_stripped_and_the_image_turned_upright() -> None:
    original = with_gps_and_rotation()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the GPS position really was there
    cleaned = images.clean(original)
    with Image.open(io.BytesIO(cleaned.data)) as after:
        assert dict(after.getexif()) == {}
        assert "exif" not in after.info and "icc_profile" not in after.info
        assert after.size == (40, 80)  # rotated by its orientation tag, which is then gone
    assert b"SecretCam" not in cleaned.data


def test_transparency_is_kept_in_png() -> None:
    cleaned = images.clean(picture("PNG", mode="RGBA"))
    with Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.mode == "RGBA"


def test_large_photos_are_shrunk_to_the_longest_side() -> None:
    cleaned = images.clean(picture("JPEG", (4000, 1000)))
    assert (cleaned.width, cleaned.height) == (images.MAX_SIDE, images.MAX_SIDE // 4)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def noisy_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 64).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (PDF, "not_image"),  # a PDF renamed photo.jpg: the name never counts
        ("Hello, ward — ہیلو".encode(), "not_image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not_image"),
        (picture("GIF"), "not_image"),
        (picture("BMP"), "not_image"),
        (png_claiming(100_000, 100_000), "too_many_pixels"),
        (png_claiming(images.MAX_PIXELS, 2), "too_many_pixels"),
        (noisy_jpeg()[: len(noisy_jpeg()) // 2], "damaged"),
        (picture("PNG", (300, 300))[:-30], "damaged"),
        (b"\xff" * (images.MAX_BYTES + 1), "too_large"),
    ],
    ids=["empty", "pdf", "text", "svg", "gif", "bmp", "bomb", "long", "cut-jpeg", "cut-png", "8mb"],
)
def test_hostile_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(images.ImageRefused) as refused:
        images.clean(data)
    assert refused.value.reason == reason
