"""A picture made safe to show: checked by its content, decoded within a pixel cap, turned
upright, shrunk, and written anew without any of its metadata. What was uploaded is never
stored or served, so a file that is also something else (HTML, a script after the image
data, an archive) loses the rest, and a photo loses where it was taken."""

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from chat.uploads.errors import ImageInvalid, ImageTooManyPixels

# Decided by the bytes, never by the file's name or the browser's content type.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
THUMBNAIL_BOX = 480  # pixels: sharp at 240 CSS pixels on a phone's screen
JPEG_QUALITY = 85
AVATAR_SIZE = 128  # pixels a side: sharp at the page's largest avatar (48 CSS pixels) on 2x


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    picture: Encoded
    thumbnail: Encoded
    content_type: str  # of our encoding: image/jpeg, or image/png for a picture with alpha
    extension: str


def image_process(*, data: bytes, max_pixels: int, max_dimension: int) -> ProcessedImage:
    """``data`` as a picture of at most ``max_dimension`` pixels a side, and its thumbnail.
    Refused (ImageInvalid, ImageTooManyPixels) unless it is a whole JPEG, PNG, GIF or WebP
    of at most ``max_pixels``; of an animation, the first frame."""
    image, alpha = _upright(_decoded(data, max_pixels=max_pixels))
    image.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_BOX, THUMBNAIL_BOX), Image.Resampling.LANCZOS)
    kind = "PNG" if alpha else "JPEG"
    return ProcessedImage(
        picture=_encode(image, kind),
        thumbnail=_encode(thumbnail, kind),
        content_type="image/png" if alpha else "image/jpeg",
        extension="png" if alpha else "jpg",
    )


def avatar_process(*, data: bytes, max_pixels: int, size: int = AVATAR_SIZE) -> ProcessedImage:
    """``data`` as a square avatar of ``size`` pixels (the middle of the picture, upright,
    without metadata), by the same checks as a picture in a message. Its thumbnail is itself."""
    image, alpha = _upright(_decoded(data, max_pixels=max_pixels))
    side = min(size, image.width, image.height)
    image = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
    kind = "PNG" if alpha else "JPEG"
    encoded = _encode(image, kind)
    return ProcessedImage(
        picture=encoded,
        thumbnail=encoded,
        content_type="image/png" if alpha else "image/jpeg",
        extension="png" if alpha else "jpg",
    )


def _upright(image: Image.Image) -> tuple[Image.Image, bool]:
    """As the camera held it, in plain RGB (RGBA when it has transparency), with none of its
    metadata; and whether it has transparency."""
    try:
        image = ImageOps.exif_transpose(image)  # before EXIF goes
        alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if alpha else "RGB")
    except (OSError, ValueError) as error:
        raise ImageInvalid() from error
    # convert() copies the metadata (EXIF, ICC profile, text chunks): none of it is kept.
    image.info = {}
    return image, alpha


def _decoded(data: bytes, *, max_pixels: int) -> Image.Image:
    """The first frame, decoded. The size is read from the header and checked before any
    pixel is decoded, so a small file claiming a huge picture costs nothing."""
    with warnings.catch_warnings():
        # Pillow only warns between its MAX_IMAGE_PIXELS and twice that: refuse there too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = probe.size
            if width * height > max_pixels:
                raise _too_many_pixels(max_pixels)
            probe.verify()  # the file's structure (PNG checksums and the like)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            image.seek(0)
            image.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays off)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(max_pixels) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageInvalid() from error
    return image


def _too_many_pixels(max_pixels: int) -> ImageTooManyPixels:
    return ImageTooManyPixels(
        _("That picture is too big: at most %(megapixels)s megapixels.")
        % {"megapixels": f"{max_pixels / 1_000_000:g}"}
    )


def _encode(image: Image.Image, kind: str) -> Encoded:
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return Encoded(data=out.getvalue(), width=image.width, height=image.height)
