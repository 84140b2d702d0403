"""Every picture is decoded and written anew (chat/uploads/processing.py): good ones of each
format come out upright, within the caps and without metadata; hostile ones are refused or
lose whatever they carried besides the picture."""

import io

import pytest
from PIL import Image

from chat.uploads.errors import ImageInvalid, ImageTooManyPixels
from chat.uploads.processing import THUMBNAIL_BOX, image_process
from tests.pictures import (
    GPS_IFD,
    HTML_AS_PNG,
    SCRIPT,
    SVG,
    animated_gif,
    photo_with_location,
    picture,
    png_claiming,
    png_with_script,
    truncated_jpeg,
    zip_archive,
)

CAPS = {"max_pixels": 40_000_000, "max_dimension": 2560}


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (picture("JPEG"), "image/jpeg"),
        (picture("PNG"), "image/jpeg"),  # no transparency: a photo's smaller encoding
        (picture("PNG", alpha=True), "image/png"),
        (picture("GIF"), "image/jpeg"),
        (picture("WEBP"), "image/jpeg"),
    ],
    ids=["jpeg", "png", "png-alpha", "gif", "webp"],
)
def test_each_accepted_format_is_written_anew(data, content_type):
    processed = image_process(data=data, **CAPS)

    assert processed.content_type == content_type
    assert processed.picture.data != data
    image = opened(processed.picture.data)
    assert Image.MIME[image.format] == content_type
    assert (image.width, image.height) == (processed.picture.width, processed.picture.height)
    assert image.size == (64, 48)


def test_a_photo_is_turned_upright_and_loses_its_location_and_camera():
    data = photo_with_location(size=(60, 40))
    assert opened(data).getexif().get_ifd(GPS_IFD)  # the corpus does carry a location

    processed = image_process(data=data, **CAPS)

    for encoded in (processed.picture, processed.thumbnail):
        image = opened(encoded.data)
        assert image.size == (40, 60)  # orientation 6 applied: now portrait
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"PhoneMaker" not in encoded.data and b"Exif" not in encoded.data


def test_an_animation_keeps_its_first_frame():
    processed = image_process(data=animated_gif(frames=3), **CAPS)

    image = opened(processed.picture.data)
    assert getattr(image, "n_frames", 1) == 1
    assert image.getpixel((5, 5))[0] < 20  # the first frame's red is 0, the others 80+


def test_a_large_picture_is_shrunk_and_its_thumbnail_fits_the_box():
    processed = image_process(
        data=picture("JPEG", size=(3000, 1000)), max_pixels=40_000_000, max_dimension=1500
    )

    assert (processed.picture.width, processed.picture.height) == (1500, 500)
    assert (processed.thumbnail.width, processed.thumbnail.height) == (THUMBNAIL_BOX, 160)
    assert opened(processed.thumbnail.data).size == (THUMBNAIL_BOX, 160)


def test_a_small_picture_is_not_enlarged():
    processed = image_process(data=picture("PNG", size=(30, 20)), **CAPS)

    assert (processed.thumbnail.width, processed.thumbnail.height) == (30, 20)


@pytest.mark.parametrize(
    "data",
    [png_claiming(100_000, 100_000), png_claiming(8000, 6000)],
    ids=["gigapixel-header", "just-over-the-cap"],
)
def test_a_header_claiming_more_pixels_than_the_cap_is_refused_before_decoding(data):
    assert len(data) < 100
    with pytest.raises(ImageTooManyPixels) as refused:
        image_process(data=data, **CAPS)
    assert "40 megapixels" in str(refused.value.detail)


def test_the_pixel_cap_is_a_setting_of_its_own():
    with pytest.raises(ImageTooManyPixels):
        image_process(data=picture("JPEG", size=(200, 200)), max_pixels=30_000, max_dimension=50)


@pytest.mark.parametrize(
    "data",
    [
        truncated_jpeg(),
        HTML_AS_PNG,
        SVG,
        zip_archive(),
        b"",
        b"GIF89a",
        picture("BMP"),
        picture("TIFF"),
    ],
    ids=[
        "truncated-jpeg",
        "html-named-png",
        "svg",
        "zip",
        "empty",
        "gif-header-only",
        "bmp",
        "tiff",
    ],
)
def test_anything_that_is_not_a_whole_accepted_picture_is_refused(data):
    with pytest.raises(ImageInvalid):
        image_process(data=data, **CAPS)


def test_a_script_after_the_picture_data_is_not_kept():
    data = png_with_script()
    assert SCRIPT in data

    processed = image_process(data=data, **CAPS)

    assert SCRIPT not in processed.picture.data
    assert SCRIPT not in processed.thumbnail.data
    assert opened(processed.picture.data).size == (64, 48)
