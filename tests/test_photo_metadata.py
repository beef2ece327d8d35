"""Stored photos keep no identifying metadata: no EXIF (camera, GPS), XMP or ICC profile.

Uploaded through both doors that take photos: the report form and walk mode (the API and
Open311 take none).
"""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from trygg.reports.models import Photo

from .test_reporting import NEW, event, report
from .test_walks import finding_post, make_walk, org_of

GPS_IFD = 0x8825
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    b'tiff:Model="SecretPhone 12"/></rdf:RDF></x:xmpmeta>'
)


def telltale_jpeg() -> bytes:
    """A JPEG that says where it was taken and with what: EXIF GPS and camera, XMP, ICC."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone 12"  # Model
    exif[0xA431] = "SN-4711"  # BodySerialNumber
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (59.0, 55.0, 0.0), 3: "E", 4: (16.0, 36.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (48, 32), "teal").save(out, "JPEG", exif=exif, icc_profile=icc, xmp=XMP)
    content = out.getvalue()
    with Image.open(io.BytesIO(content)) as original:  # the test photo really carries them
        assert original.getexif().get_ifd(GPS_IFD) and original.info.get("icc_profile")
        assert b"SecretPhone" in content and b"http://ns.adobe.com/xap/1.0/" in content
    return content


def assert_clean(path: Path) -> None:
    content = path.read_bytes()
    for telltale in (b"Exif", b"PhoneMaker", b"SecretPhone", b"SN-4711", b"ICC_PROFILE"):
        assert telltale not in content, telltale
    assert b"http://ns.adobe.com/xap/1.0/" not in content and b"xmpmeta" not in content
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and stored.size == (48, 32)
        assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(stored.info)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("IMG_0001.jpg", telltale_jpeg(), content_type="image/jpeg")


def test_the_report_form_stores_a_photo_without_its_metadata(personas, login, media):
    reporter = personas["reporter"]
    data = report(event(0, photos=upload()), user=reporter)
    assert login(reporter).post(NEW, data).status_code == 302
    assert_clean(media / Photo.objects.get().image.name)


def test_walk_mode_stores_a_photo_without_its_metadata(sala, personas, login, media):
    walk = make_walk(sala, [org_of(personas["reporter"]), org_of(personas["police"])])
    client = login(personas["reporter"])
    response = client.post(
        f"/k/1981/vandringar/{walk.pk}/fynd/", finding_post(sala, "PLA.BEL", photos=upload())
    )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.event.walk_finding.walk == walk
    assert_clean(media / photo.image.name)
