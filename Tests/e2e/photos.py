"""The metadata fixtures (phones' layouts with "PLANTED" data, see scripts/make-image-fixtures.py) and the checks a
cleaned photo must pass: nothing planted, no GPS, no XMP or comment, still a picture Pillow decodes, still upright."""
import io
import os

from PIL import Image

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "ImageMetadataTests", "Fixtures")
# name, content type, the EXIF orientation the photo was taken with (kept), or None
PHOTOS = [("phone.jpg", "image/jpeg", 6), ("phone.png", "image/png", 8), ("phone.webp", "image/webp", 3),
          ("animated.gif", "image/gif", None)]


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def fixture_path(name):
    return os.path.abspath(os.path.join(FIXTURES, name))


def assert_clean(data, name, orientation):
    assert b"planted" not in data.lower(), f"{name}: planted metadata left"
    image = Image.open(io.BytesIO(data))
    image.load()  # a real decoder reads the whole picture
    assert image.size == (96, 64), name
    exif = image.getexif()
    assert set(exif) == ({0x0112} if orientation else set()), f"{name}: EXIF holds {dict(exif)}"
    assert exif.get(0x0112) == orientation, f"{name}: orientation"
    assert not exif.get_ifd(0x8825), f"{name}: GPS"
    for key in ["xmp", "comment", "photoshop", "Author", "Comment", "Description"]:
        assert key not in image.info, f"{name}: {key} left"
    if name.endswith(".gif"):
        assert image.n_frames == 2 and image.info.get("loop") == 0, "the animation and its loop stay"


def stored_files(server):
    """Every file in the server's attachments folder."""
    root = os.path.join(server.data_dir, "attachments")
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                found.append(f.read())
    return found
