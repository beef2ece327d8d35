"""Checking and cleaning uploaded photos before they are stored.

A photo is identified by its content (Pillow), never by its name or declared type; only
JPEG, PNG and WebP are accepted. It is turned upright (EXIF orientation), scaled down and
re-encoded from its pixels alone, so EXIF, GPS and other metadata are not kept.
"""

import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format -> (content type, file extension)
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS = 50_000_000  # larger than any phone photo; bigger is a decompression bomb
MAX_SIDE = 2560  # stored photos are scaled down to this many pixels on the long side
MAX_PER_EVENT = 4


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_photo(upload: IO[bytes], size: int, name: str = "") -> CleanPhoto:
    """The photo re-encoded without metadata, or a ValidationError saying what is wrong."""
    if size > settings.TRYGG_MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is too large: at most %(limit)s per photo.")
            % {"name": name, "limit": filesizeformat(settings.TRYGG_MAX_PHOTO_BYTES)}
        )
    try:
        with Image.open(upload, formats=list(FORMATS)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(name)
            return _reencode(image)
    except Image.DecompressionBombError as e:
        raise ValidationError(
            _("%(name)s has too many pixels: at most %(limit)s million.")
            % {"name": name, "limit": MAX_PIXELS // 1_000_000}
        ) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP photo, or it is damaged.") % {"name": name}
        ) from e


def _reencode(image: Image.Image) -> CleanPhoto:
    fmt = image.format or ""
    upright = ImageOps.exif_transpose(image)
    if upright.mode == "P":
        upright = upright.convert("RGBA")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    pixels = Image.new(upright.mode, upright.size)
    pixels.paste(upright)
    out = io.BytesIO()
    pixels.save(out, fmt, **({"quality": 85} if fmt != "PNG" else {"optimize": True}))
    content_type, extension = FORMATS[fmt]
    return CleanPhoto(out.getvalue(), content_type, extension, pixels.width, pixels.height)
