"""Uploaded images made safe to store and publish.

A photo can carry the place it was taken (EXIF GPS), the phone that took it and the time: a
location in a photo can endanger a victim, a witness or an officer's home. So every image is
checked by its content (never its name), limited in size and pixel count, turned upright,
converted to sRGB, stripped of ALL metadata and re-encoded before anything stores it.

Decisions (docs/decisions/0021-image-sanitising.md): JPEG, PNG, WebP and still GIF are
accepted; animated images are refused rather than silently frozen; photos become JPEG at
quality 85, images with real transparency (and palette graphics) become PNG.
"""

from __future__ import annotations

import contextlib
import io
import struct
import warnings
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
MAX_BYTES = 10 * MB
MAX_PIXELS = 40_000_000
MAX_SIDE = 4096
JPEG_QUALITY = 85

ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")

NOT_AN_IMAGE = "This file is not an image we accept (JPEG, PNG, WebP or GIF)."
DAMAGED = "This image file is damaged or incomplete. Try saving it again, or choose another."
ANIMATED = "Animated images are not accepted. Choose a still image (JPEG, PNG, WebP or GIF)."
EMPTY = "The file is empty."


class ImageRejected(ValidationError):
    """The upload is not an image we will store; the message says why, for the officer."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    mime_type: str  # "image/jpeg" or "image/png"
    width: int
    height: int
    extension: str  # "jpg" or "png", without the dot


def _megabytes(size: int) -> str:
    value = size / MB
    if value >= 100:
        return f"{value:,.0f} MB"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} MB"


def _too_big(size: int, max_bytes: int) -> ImageRejected:
    return ImageRejected(
        f"The image is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}.",
        code="too_big",
    )


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    return ImageRejected(
        f"The image has too many pixels; the limit is {_megapixels(max_pixels)} megapixels.",
        code="too_many_pixels",
    )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".rstrip("0").rstrip(".")


def _read(data: Any, max_bytes: int) -> bytes:
    """Read at most ``max_bytes + 1`` bytes, so a huge upload is refused without reading it."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if len(raw) > max_bytes:
            raise _too_big(len(raw), max_bytes)
        return raw
    size = getattr(data, "size", None)  # Django's UploadedFile knows its size up front
    if isinstance(size, int) and size > max_bytes:
        raise _too_big(size, max_bytes)
    stream: IO[bytes] = data
    if hasattr(stream, "seek"):
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        total = size if isinstance(size, int) else len(raw)
        raise _too_big(total, max_bytes)
    return raw


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        alpha = image.getchannel("A")
        low, _high = alpha.getextrema()
        return low < 255
    if image.mode == "P" and "transparency" in image.info:
        low, _high = image.convert("RGBA").getchannel("A").getextrema()
        return low < 255
    return False


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colours as they were meant, without the colour profile (which is metadata too)."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped; the pixels are kept as they are.
        return image
    return converted if converted is not None else image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def sanitise_image(
    data: bytes | IO[bytes] | Any,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int = MAX_SIDE,
) -> CleanImage:
    """Check an upload by its content and return it re-encoded, upright, in sRGB, with no
    metadata, at most ``max_side`` pixels on its longer side; or raise ``ImageRejected``."""
    raw = _read(data, max_bytes)
    if not raw:
        raise ImageRejected(EMPTY, code="empty")

    with warnings.catch_warnings():
        # Pillow warns between its own limit (about 89 megapixels) and twice it, and refuses
        # above; we check the header's size against our lower limit ourselves, below, so the
        # message can say how big the image is.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=list(ACCEPTED_FORMATS))
        except UnidentifiedImageError:
            raise ImageRejected(NOT_AN_IMAGE, code="not_an_image") from None
        except Image.DecompressionBombError:
            raise _too_many_pixels(max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected(DAMAGED, code="damaged") from None

        with image:
            width, height = image.size
            # The header's size is checked before a single pixel is decoded.
            if width < 1 or height < 1:
                raise ImageRejected(DAMAGED, code="damaged")
            if width * height > max_pixels:
                raise ImageRejected(
                    f"The image is {width:,} by {height:,} pixels; the limit is "
                    f"{_megapixels(max_pixels)} megapixels.",
                    code="too_many_pixels",
                )
            # Cameras write MPO (a JPEG with a second, depth or preview, picture after it): the
            # first picture is the photo. Anything else with several frames is an animation.
            still = image.format == "MPO"
            if not still and getattr(image, "is_animated", False):
                raise ImageRejected(ANIMATED, code="animated")
            try:
                image.load()
                clean, fmt = _clean_pixels(image)
            except Image.DecompressionBombError:
                raise _too_many_pixels(max_pixels) from None
            except (OSError, SyntaxError, ValueError, EOFError):
                raise ImageRejected(DAMAGED, code="damaged") from None

    if max(clean.size) > max_side:
        clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    content = _encode(clean, fmt)
    # A large graphic with transparency can still be too big as PNG: make it smaller.
    while len(content) > max_bytes and max(clean.size) > 256:
        clean.thumbnail((max(clean.size) // 2, max(clean.size) // 2), Image.Resampling.LANCZOS)
        content = _encode(clean, fmt)
    if len(content) > max_bytes:
        raise _too_big(len(content), max_bytes)
    return CleanImage(
        content=content,
        mime_type="image/png" if fmt == "PNG" else "image/jpeg",
        width=clean.width,
        height=clean.height,
        extension="png" if fmt == "PNG" else "jpg",
    )


def _clean_pixels(image: Image.Image) -> tuple[Image.Image, str]:
    """Upright pixels in a mode we encode, and nothing else: no EXIF, GPS, XMP, ICC or text;
    with the format to encode them in (PNG for transparency and palette graphics)."""
    transparent = _has_transparency(image)
    palette = image.mode in ("P", "1") and not transparent
    try:
        upright = ImageOps.exif_transpose(image) or image
    except (SyntaxError, ValueError, TypeError, KeyError, OSError, struct.error):
        # Unreadable EXIF: the picture stays as stored; the EXIF is dropped all the same.
        upright = image
    if upright is image:
        upright = image.copy()
        upright.info = dict(image.info)
    upright = _to_srgb(upright)

    if transparent:
        target = "LA" if upright.mode in ("L", "LA") else "RGBA"
    elif palette:
        target = "P" if upright.mode == "P" else "L"  # a 1-bit image is kept as greyscale PNG
    elif upright.mode in ("L", "I;16", "I", "F"):
        target = "L"
    else:
        target = "RGB"
    if upright.mode != target:
        if target == "L" and upright.mode in ("I;16", "I", "F"):
            # 16-bit greyscale: scale to 8 bits rather than clipping to white.
            upright = upright.point(lambda v: v / 256).convert("L")
        else:
            upright = upright.convert(target)

    # A fresh image holds the pixels alone: whatever metadata the source carried stays behind.
    bare = Image.new(upright.mode, upright.size)
    if upright.mode == "P":
        bare.putpalette(upright.getpalette() or [])
    bare.paste(upright)
    bare.info = {}
    return bare, "PNG" if (transparent or palette) else "JPEG"


def shrink_image(
    content: bytes, *, max_bytes: int, max_side: int = MAX_SIDE, min_side: int = 320
) -> CleanImage:
    """An image made to fit a network's own byte limit (Bluesky takes 1,000,000 bytes): first a
    lower JPEG quality, then fewer pixels, never below ``min_side`` on the longer side.

    The content goes through ``sanitise_image`` first, so whatever it is given comes out
    checked and bare."""
    clean = sanitise_image(content, max_bytes=max(len(content), MAX_BYTES), max_side=max_side)
    if len(clean.content) <= max_bytes:
        return clean
    fmt = "PNG" if clean.mime_type == "image/png" else "JPEG"
    with Image.open(io.BytesIO(clean.content)) as opened:
        image = opened.copy()
    image.info = {}
    while True:
        for quality in (75, 65, 55) if fmt == "JPEG" else (None,):
            out = io.BytesIO()
            if quality is None:
                image.save(out, "PNG", compress_level=6)
            else:
                image.save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= max_bytes:
                return CleanImage(
                    content=out.getvalue(),
                    mime_type=clean.mime_type,
                    width=image.width,
                    height=image.height,
                    extension=clean.extension,
                )
        side = int(max(image.size) * 0.75)
        if side < min_side:
            raise ImageRejected(
                f"The image cannot be made smaller than {_megabytes(max_bytes)} without losing "
                "too much detail. Choose a simpler or smaller image.",
                code="too_big",
            )
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
