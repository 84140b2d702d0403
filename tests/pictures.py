"""Picture files for the upload tests, made here rather than kept as binaries: good ones of
each format, and the hostile ones an upload must refuse or neutralise."""

import io
import struct
import zipfile
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SCRIPT = b"<script>alert(document.cookie)</script>"


def picture(kind: str = "JPEG", size=(64, 48), colour=(200, 30, 30), **save) -> bytes:
    mode = "RGBA" if kind == "PNG" and save.pop("alpha", False) else "RGB"
    image = Image.new(mode, size, colour + ((128,) if mode == "RGBA" else ()))
    out = io.BytesIO()
    image.save(out, kind, **save)
    return out.getvalue()


def animated_gif(frames: int = 3, size=(40, 30)) -> bytes:
    images = [Image.new("RGB", size, (index * 80, 40, 200)) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def photo_with_location(size=(60, 40)) -> bytes:
    """A JPEG turned on its side by its EXIF orientation (6: rotate 90° clockwise to view),
    saying where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 22.0, 30.0), 3: "E", 4: (4.0, 53.0, 10.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels: a decompression bomb's
    opening, decoded it would need gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row))
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = picture("JPEG", size=(200, 200))
    return data[: len(data) // 2]


HTML_AS_PNG = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def png_with_script() -> bytes:
    """A valid PNG with HTML after its end: a polyglot a sniffing browser might run."""
    return picture("PNG") + SCRIPT


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("picture.png", picture("PNG"))
    return out.getvalue()
