"""The factory's photos: read with Pillow, turned upright, shrunk and re-encoded as a JPEG with no EXIF.

Re-encoding is what strips the metadata (GPS position, phone model): only pixels are kept. A file Pillow
cannot read (not an image, HEIC without a plugin), an image type we do not take, a file too large or an
image with too many pixels (a decompression bomb) is refused with a message the factory can act on.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A phone photo is well under this; a bigger canvas would take the worker's memory to decode.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    name: str
    width: int
    height: int
    content_type: str = "image/jpeg"


def photo_prepare(uploaded) -> PreparedPhoto:
    """The uploaded file as a clean JPEG, or InvalidInput saying what is wrong with it."""
    original = PurePath(uploaded.name or "photo").name[:200]
    max_bytes = settings.FACTORY_PHOTO_MAX_MB * 1024 * 1024
    if uploaded.size > max_bytes:
        raise InvalidInput(
            _("The photo %(name)s is larger than %(mb)s MB. Send a smaller one.")
            % {"name": original, "mb": settings.FACTORY_PHOTO_MAX_MB}
        )
    unreadable = InvalidInput(
        _("The file %(name)s could not be read as a photo. Send a JPEG, PNG or WebP picture.") % {"name": original}
    )
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise InvalidInput(
                        _("The photo %(name)s is a %(type)s file. Send a JPEG, PNG or WebP picture.")
                        % {"name": original, "type": image.format or "?"}
                    )
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise InvalidInput(
                        _("The photo %(name)s has too many pixels. Send a smaller one.") % {"name": original}
                    )
                image.load()
                cleaned = _cleaned(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput(
            _("The photo %(name)s has too many pixels. Send a smaller one.") % {"name": original}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc
    out = io.BytesIO()
    cleaned.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    stem = PurePath(original).stem[:150] or "photo"
    return PreparedPhoto(content=out.getvalue(), name=f"{stem}.jpg", width=cleaned.width, height=cleaned.height)


def _cleaned(image: Image.Image) -> Image.Image:
    """Upright (the EXIF orientation applied before it is dropped), RGB, at most FACTORY_PHOTO_MAX_SIDE a side.
    A new image: nothing of the file's metadata comes along."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "L"):
        background = Image.new("RGB", upright.size, "white")
        rgba = upright.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        upright = background
    side = settings.FACTORY_PHOTO_MAX_SIDE
    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean.convert("RGB")
