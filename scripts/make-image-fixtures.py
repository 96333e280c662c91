#!/usr/bin/env python3
"""Writes the image fixtures of the metadata tests: small pictures laid out the way phones and editors write them,
with identifying metadata planted in every place the stripper must empty. Every planted text contains "PLANTED"
so a test can look for one word. Run again only to change the fixtures: they are committed.

Needs Pillow (pip install pillow)."""
import io
import struct
import sys
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "Tests/ImageMetadataTests/Fixtures")


def picture(size=(96, 64)):
    image = Image.new("RGB", size, (30, 90, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 8):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(x * 2 % 256, 200, 80), width=2)
    draw.rectangle([10, 10, 40, 30], fill=(250, 220, 0))
    return image


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


class Tiff:
    """A little-endian TIFF structure built by hand, as Samsung and most Android phones write EXIF."""

    def __init__(self):
        self.data = bytearray(b"II*\x00\x08\x00\x00\x00")

    def directory(self, entries, next_ifd=0):
        """entries: (tag, type, count, value bytes). Values over 4 bytes go after the directory."""
        start = len(self.data)
        extra_at = start + 2 + 12 * len(entries) + 4
        table, extra = bytearray(struct.pack("<H", len(entries))), bytearray()
        for tag, kind, count, value in sorted(entries):
            if len(value) <= 4:
                table += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")
            else:
                table += struct.pack("<HHII", tag, kind, count, extra_at + len(extra))
                extra += value + (b"\x00" if len(value) % 2 else b"")
        table += struct.pack("<I", next_ifd)
        self.data += table + extra
        return start


def ascii_entry(tag, text):
    value = text.encode() + b"\x00"
    return (tag, 2, len(value), value)


def rationals(*numbers):
    return b"".join(struct.pack("<II", n, 1) for n in numbers)


def phone_exif(orientation, thumbnail):
    """IFD0 (camera, owner, orientation) → EXIF IFD (serial, date) and GPS IFD (the reporter's house), IFD1 with a
    JPEG thumbnail, laid out as offsets in one pass by building the pieces at known positions."""
    # Build the sub-directories first at fixed offsets after IFD0 by measuring IFD0's size in advance.
    ifd0_entries = [
        ascii_entry(0x010F, "PLANTED Make"), ascii_entry(0x0110, "PLANTED Model SM-A525F"),
        (0x0112, 3, 1, struct.pack("<H", orientation)), ascii_entry(0x013B, "PLANTED Artist Budi Santoso"),
        ascii_entry(0x8298, "PLANTED Copyright Budi"),
        (0x8769, 4, 1, b"\x00\x00\x00\x00"), (0x8825, 4, 1, b"\x00\x00\x00\x00"),
    ]
    for attempt in range(2):
        tiff = Tiff()
        ifd0 = tiff.directory(ifd0_entries, next_ifd=0)
        exif_ifd = tiff.directory([
            ascii_entry(0x9003, "2026:11:30 07:15:02"), ascii_entry(0xA431, "PLANTED-SERIAL-R58N123"),
            ascii_entry(0xA430, "PLANTED Owner Budi"),
        ])
        gps_ifd = tiff.directory([
            (0x0001, 2, 2, b"S\x00"), (0x0002, 5, 3, rationals(6, 12, 31)),
            (0x0003, 2, 2, b"E\x00"), (0x0004, 5, 3, rationals(106, 49, 7)),
        ])
        thumb_at = len(tiff.data) + 2 + 12 * 3 + 4
        ifd1 = tiff.directory([
            (0x0103, 3, 1, struct.pack("<H", 6)), (0x0201, 4, 1, struct.pack("<I", thumb_at)),
            (0x0202, 4, 1, struct.pack("<I", len(thumbnail))),
        ])
        tiff.data += thumbnail
        # Point IFD0 at its children and at IFD1, then rebuild once with the right numbers.
        ifd0_entries = [e for e in ifd0_entries if e[0] not in (0x8769, 0x8825)] + [
            (0x8769, 4, 1, struct.pack("<I", exif_ifd)), (0x8825, 4, 1, struct.pack("<I", gps_ifd))]
    data = bytearray(tiff.data)
    # IFD0's next-directory field sits right after its entries.
    count = struct.unpack_from("<H", data, ifd0)[0]
    struct.pack_into("<I", data, ifd0 + 2 + 12 * count, ifd1)
    return bytes(data)


def jpeg_bytes(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def phone_jpeg():
    thumbnail = jpeg_bytes(picture((24, 16)).convert("RGB"), quality=70)
    plain = jpeg_bytes(picture(), quality=85)
    assert plain[:2] == b"\xff\xd8"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description "
           b"xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:creator>PLANTED Creator</dc:creator>"
           b"</rdf:Description></rdf:RDF></x:xmpmeta>")
    iptc = b"\x1c\x02\x50" + struct.pack(">H", 14) + b"PLANTED Byline"
    photoshop = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    mpf = b"MPF\x00MM\x00*\x00\x00\x00\x08PLANTED second picture index"
    return (b"\xff\xd8" + segment(0xE1, b"Exif\x00\x00" + phone_exif(6, thumbnail)) + segment(0xE1, xmp)
            + segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + icc) + segment(0xE2, mpf) + segment(0xED, photoshop)
            + segment(0xFE, b"PLANTED Comment from the editor") + plain[2:] + b"PLANTED trailer: a motion photo")


def png_chunk(kind, data):
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def phone_png():
    info = PngInfo()
    info.add_text("Author", "PLANTED Author Siti")
    info.add_text("Comment", "PLANTED compressed comment " * 4, zip=True)
    info.add_itxt("Description", "PLANTED international text", lang="id")
    exif = Image.Exif()
    exif[0x0112] = 8
    exif[0x013B] = "PLANTED Artist in eXIf"
    exif.get_ifd(0x8825)[0x0002] = (6.0, 12.0, 31.0)
    buffer = io.BytesIO()
    picture().save(buffer, "PNG", pnginfo=info, exif=exif.tobytes())
    data = buffer.getvalue()
    # tIME and a private chunk, before IEND.
    end = data.rindex(b"IEND") - 4
    extra = png_chunk(b"tIME", struct.pack(">HBBBBB", 2026, 11, 30, 7, 15, 2)) + png_chunk(b"prVt", b"PLANTED private chunk")
    return data[:end] + extra + data[end:]


def phone_webp():
    exif = Image.Exif()
    exif[0x0112] = 3
    exif[0x010F] = "PLANTED Make in WebP"
    exif.get_ifd(0x8825)[0x0002] = (6.0, 12.0, 31.0)
    xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>PLANTED XMP creator</dc:creator></x:xmpmeta>"
    buffer = io.BytesIO()
    picture().save(buffer, "WEBP", quality=80, exif=exif.tobytes(), xmp=xmp, icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return buffer.getvalue()


def animated_gif():
    frames = [picture().convert("P"), picture().transpose(Image.Transpose.FLIP_LEFT_RIGHT).convert("P")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0,
                   comment=b"PLANTED GIF comment")
    data = buffer.getvalue()
    # An XMP application extension, as editors write it, just before the trailer.
    xmp = b"<x:xmpmeta><dc:creator>PLANTED GIF XMP</dc:creator></x:xmpmeta>"
    blocks = b"".join(bytes([len(xmp[i:i + 255])]) + xmp[i:i + 255] for i in range(0, len(xmp), 255)) + b"\x00"
    assert data.endswith(b"\x3b")
    return data[:-1] + b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x3b"


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in [("phone.jpg", phone_jpeg()), ("phone.png", phone_png()), ("phone.webp", phone_webp()),
                       ("animated.gif", animated_gif())]:
        (OUT / name).write_bytes(data)
        Image.open(io.BytesIO(data)).load()  # each must still be a picture a decoder reads
        print(f"{name}: {len(data)} bytes")
