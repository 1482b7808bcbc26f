"""Uploaded images: checked by content, limited, upright, and stripped of every trace of
where and how they were taken."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, features
from PIL.PngImagePlugin import PngInfo

from beatdesk.core.images import MB, CleanImage, ImageRejected, sanitise_image, shrink_image

NOT_ACCEPTED = "This file is not an image we accept (JPEG, PNG, WebP or GIF)."
DAMAGED = "This image file is damaged or incomplete. Try saving it again, or choose another."

RED = (220, 20, 20)
BLUE = (20, 20, 220)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="53,57.6N"/></rdf:RDF></x:xmpmeta>'
)


def photo_exif(*, orientation=None):
    """EXIF as a phone writes it: camera, time, and where it was taken (York Minster)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.DateTime] = "2026:11:25 22:14:03"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 57.0, 43.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 4.0, 55.0)
    return exif


def two_tone(size=(300, 200), mode="RGB"):
    """Left half red, right half blue: shows which way the picture was turned."""
    image = Image.new(mode, size, BLUE if mode == "RGB" else (*BLUE, 255))
    left = Image.new(mode, (size[0] // 2, size[1]), RED if mode == "RGB" else (*RED, 255))
    image.paste(left, (0, 0))
    return image


def encode(image, fmt, **params):
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def gps_photo():
    return encode(
        two_tone(),
        "JPEG",
        exif=photo_exif(orientation=6),
        xmp=XMP,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        comment=b"Taken at 12 Acacia Avenue",
        quality=95,
    )


def png_claiming(width, height):
    """A real one-pixel PNG whose header claims another size (a decompression bomb's shape)."""
    data = bytearray(encode(Image.new("1", (1, 1)), "PNG"))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


def reopen(clean: CleanImage):
    image = Image.open(io.BytesIO(clean.content))
    image.load()
    return image


def assert_no_metadata(clean: CleanImage):
    image = reopen(clean)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "dpi", "Comment"):
        assert key not in image.info
    for marker in (b"Exif\x00", b"GPS", b"PhoneMaker", b"adobe:ns:meta", b"Acacia", b"ICC_PROFILE"):
        assert marker not in clean.content


def rejected_message(data, **limits):
    with pytest.raises(ImageRejected) as caught:
        sanitise_image(data, **limits)
    return caught.value.messages


class TestPhotos:
    def test_gps_photo_comes_back_upright_re_encoded_and_bare(self):
        original = gps_photo()
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert b"PhoneMaker" in original and b"adobe:ns:meta" in original

        clean = sanitise_image(original)

        assert (clean.mime_type, clean.extension) == ("image/jpeg", "jpg")
        assert clean.content != original
        assert_no_metadata(clean)
        image = reopen(clean)
        assert image.format == "JPEG"
        # Orientation 6 means "turn 90 degrees clockwise to view": 300x200 becomes 200x300,
        # and the red left half ends up on top.
        assert (clean.width, clean.height) == (200, 300) == image.size
        top, bottom = image.getpixel((100, 20)), image.getpixel((100, 280))
        assert top[0] > 180 and top[2] < 80
        assert bottom[2] > 180 and bottom[0] < 80

    def test_upload_object_and_file_like_input(self):
        upload = SimpleUploadedFile("IMG_0042.JPG", gps_photo(), content_type="image/jpeg")
        assert_no_metadata(sanitise_image(upload))
        stream = io.BytesIO(gps_photo())
        stream.read(10)  # a stream someone already started reading is read from the start
        assert_no_metadata(sanitise_image(stream))

    def test_camera_mpo_keeps_the_main_picture(self):
        # Some cameras and phones write MPO: the photo, then a second picture (depth, preview).
        main = two_tone((80, 60))
        second = Image.new("RGB", (20, 15), (0, 160, 0))
        data = encode(main, "MPO", save_all=True, append_images=[second], exif=photo_exif())
        assert Image.open(io.BytesIO(data)).format == "MPO"
        clean = sanitise_image(data)
        assert (clean.width, clean.height, clean.mime_type) == (80, 60, "image/jpeg")
        assert reopen(clean).getpixel((5, 5))[0] > 180  # the red half of the main picture
        assert_no_metadata(clean)

    def test_unreadable_exif_orientation_is_ignored_and_dropped(self):
        exif = photo_exif()
        exif[ExifTags.Base.Orientation] = 99
        clean = sanitise_image(encode(two_tone(), "JPEG", exif=exif))
        assert (clean.width, clean.height) == (300, 200)
        assert_no_metadata(clean)

    def test_broken_colour_profile_is_dropped(self):
        clean = sanitise_image(encode(two_tone(), "JPEG", icc_profile=b"not a profile" * 10))
        assert "icc_profile" not in reopen(clean).info
        assert reopen(clean).getpixel((10, 10))[0] > 180

    def test_cmyk_jpeg_becomes_rgb(self):
        clean = sanitise_image(encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"))
        assert reopen(clean).mode == "RGB"
        assert clean.mime_type == "image/jpeg"

    def test_greyscale_photo_stays_greyscale(self):
        clean = sanitise_image(encode(Image.new("L", (40, 30), 128), "JPEG"))
        assert reopen(clean).mode == "L"

    @pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
    def test_webp_with_exif(self):
        clean = sanitise_image(encode(two_tone(), "WEBP", exif=photo_exif()))
        assert clean.mime_type == "image/jpeg"
        assert_no_metadata(clean)
        assert (clean.width, clean.height) == (300, 200)

    def test_very_large_photo_is_scaled_down(self):
        clean = sanitise_image(encode(two_tone((2000, 500)), "JPEG"), max_side=1000)
        assert (clean.width, clean.height) == (1000, 250)
        assert reopen(clean).size == (1000, 250)

    def test_a_photo_that_fits_keeps_its_size(self):
        clean = sanitise_image(encode(two_tone((640, 480)), "JPEG"))
        assert (clean.width, clean.height) == (640, 480)


class TestGraphics:
    def test_png_with_transparency_stays_png_and_transparent(self):
        image = two_tone(mode="RGBA")
        image.putpixel((0, 0), (0, 0, 0, 0))
        info = PngInfo()
        info.add_text("Comment", "GPS 53.96 -1.08")
        data = encode(image, "PNG", pnginfo=info, exif=photo_exif())

        clean = sanitise_image(data)

        assert (clean.mime_type, clean.extension) == ("image/png", "png")
        out = reopen(clean)
        assert out.mode == "RGBA"
        assert out.getpixel((0, 0))[3] == 0
        assert out.getpixel((10, 10)) == (*RED, 255)
        assert out.text == {}
        assert_no_metadata(clean)

    def test_opaque_png_photo_becomes_jpeg(self):
        clean = sanitise_image(encode(two_tone(mode="RGBA"), "PNG"))
        assert clean.mime_type == "image/jpeg"

    def test_still_gif_becomes_png(self):
        gif = two_tone().convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
        clean = sanitise_image(encode(gif, "GIF"))
        assert clean.mime_type == "image/png"
        out = reopen(clean)
        assert out.format == "PNG"
        assert out.convert("RGB").getpixel((10, 10)) == RED

    def test_transparent_gif_keeps_its_transparency(self):
        gif = Image.new("P", (20, 20), 1)
        gif.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
        gif.putpixel((0, 0), 0)
        clean = sanitise_image(encode(gif, "GIF", transparency=0))
        out = reopen(clean).convert("RGBA")
        assert out.getpixel((0, 0))[3] == 0
        assert out.getpixel((5, 5)) == (255, 255, 255, 255)

    def test_sixteen_bit_greyscale_png(self):
        image = Image.new("I;16", (30, 30), 40000)
        clean = sanitise_image(encode(image, "PNG"))
        out = reopen(clean)
        assert out.mode == "L"
        assert 150 <= out.getpixel((5, 5)) <= 160  # 40000 / 65535 of white, not clipped

    @pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
    def test_animated_webp_is_refused(self):
        frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, BLUE)]
        data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
        assert rejected_message(data)[0].startswith("Animated images are not accepted.")

    def test_animated_png_is_refused(self):
        frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, BLUE)]
        data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
        assert rejected_message(data)[0].startswith("Animated images are not accepted.")

    def test_animated_gif_is_refused(self):
        frames = [Image.new("RGB", (20, 20), colour) for colour in (RED, BLUE, (0, 160, 0))]
        data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
        assert rejected_message(data) == [
            "Animated images are not accepted. Choose a still image (JPEG, PNG, WebP or GIF)."
        ]


class TestRefused:
    @pytest.mark.parametrize(
        "data",
        [
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            b"<!doctype html><html><body>not a photo</body></html>",
            b"%PDF-1.7\n",
            b"GIF87",  # the start of a signature, nothing else
        ],
        ids=["svg", "html", "pdf", "five-bytes"],
    )
    def test_not_an_image(self, data):
        assert rejected_message(data) == [NOT_ACCEPTED]

    def test_html_named_like_a_photo(self):
        upload = SimpleUploadedFile(
            "photo.jpg", b"<html><script>steal()</script></html>", content_type="image/jpeg"
        )
        assert rejected_message(upload) == [NOT_ACCEPTED]

    def test_image_formats_we_do_not_take(self):
        assert rejected_message(encode(Image.new("RGB", (10, 10)), "BMP")) == [NOT_ACCEPTED]
        assert rejected_message(encode(Image.new("RGB", (10, 10)), "TIFF")) == [NOT_ACCEPTED]

    def test_truncated_jpeg(self):
        data = encode(two_tone((400, 400)), "JPEG", quality=95)
        assert rejected_message(data[: len(data) // 2]) == [DAMAGED]

    def test_truncated_png(self):
        data = encode(two_tone((400, 400)), "PNG")
        assert rejected_message(data[: len(data) // 2]) == [DAMAGED]

    def test_empty(self):
        assert rejected_message(b"") == ["The file is empty."]

    def test_too_many_bytes(self):
        assert rejected_message(b"\xff" * (42 * MB)) == ["The image is 42 MB; the limit is 10 MB."]

    def test_too_many_bytes_in_an_upload_is_refused_before_reading(self):
        class HugeUpload(SimpleUploadedFile):
            def read(self, *args):
                raise AssertionError("a 42 MB upload should not be read")

        upload = HugeUpload("big.jpg", b"", content_type="image/jpeg")
        upload.size = 42 * MB
        assert rejected_message(upload) == ["The image is 42 MB; the limit is 10 MB."]

    def test_size_message_keeps_a_decimal_near_the_limit(self):
        data = b"\xff" * (10 * MB + MB // 5)
        assert rejected_message(data) == ["The image is 10.2 MB; the limit is 10 MB."]

    def test_too_many_pixels(self):
        data = encode(Image.new("RGB", (2100, 2000)), "JPEG")
        assert rejected_message(data, max_pixels=4_000_000) == [
            "The image is 2,100 by 2,000 pixels; the limit is 4 megapixels."
        ]

    def test_decompression_bomb_is_refused_from_its_header(self):
        # A real PNG whose header claims 30,000 x 30,000 pixels (900 megapixels, 2.7 GB when
        # decoded) in a file of a few dozen bytes.
        data = png_claiming(30_000, 30_000)
        assert len(data) < 100
        assert rejected_message(data) == [
            "The image has too many pixels; the limit is 40 megapixels."
        ]

    def test_bomb_below_pillows_own_refusal_is_measured_and_refused(self):
        data = png_claiming(10_000, 10_000)
        assert rejected_message(data) == [
            "The image is 10,000 by 10,000 pixels; the limit is 40 megapixels."
        ]

    def test_is_a_validation_error_for_forms(self):
        with pytest.raises(ValidationError):
            sanitise_image(b"not an image")


def test_damaged_files_are_refused_never_crash():
    """Flip, insert and cut bytes in valid images: every result is a clean image or a
    refusal with a message, never an unexpected error (a 500 for the officer)."""
    import random

    bases = [
        encode(two_tone((64, 48)), "JPEG"),
        encode(two_tone((64, 48)), "PNG"),
        encode(two_tone((64, 48), mode="RGBA"), "PNG"),
        encode(two_tone((64, 48)).convert("P"), "GIF"),
    ]
    if features.check("webp"):
        bases.append(encode(two_tone((64, 48)), "WEBP"))
    rng = random.Random(20)
    outcomes = set()
    for _ in range(300):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.6:
                data[position] = rng.randrange(256)
            elif choice < 0.8:
                del data[position : position + rng.randint(1, 20)]
            else:
                data[position:position] = rng.randbytes(rng.randint(1, 20))
        try:
            clean = sanitise_image(bytes(data))
        except ImageRejected as exc:
            assert exc.messages and exc.messages[0].endswith(".")
            outcomes.add(exc.code)
        else:
            assert clean.mime_type in ("image/jpeg", "image/png")
            assert Image.open(io.BytesIO(clean.content)).size == (clean.width, clean.height)
            outcomes.add("ok")
    assert {"ok", "damaged", "not_an_image"} <= outcomes


def noise(size, mode="RGB"):
    """Pixels that compress badly, like a grainy night-time photo."""
    bands = [Image.effect_noise(size, 120) for _ in mode]
    return Image.merge(mode, bands)


class TestShrink:
    def test_photo_shrinks_to_blueskys_limit(self):
        original = encode(noise((1600, 1200)), "JPEG", quality=95, exif=photo_exif())
        assert len(sanitise_image(original).content) > 1_000_000

        small = shrink_image(original, max_bytes=1_000_000)

        assert len(small.content) <= 1_000_000
        assert small.mime_type == "image/jpeg"
        assert reopen(small).size == (small.width, small.height)
        assert small.width / small.height == pytest.approx(4 / 3, abs=0.01)
        assert_no_metadata(small)

    def test_small_image_is_left_as_sanitised(self):
        data = encode(two_tone(), "JPEG", exif=photo_exif())
        assert shrink_image(data, max_bytes=1_000_000) == sanitise_image(data)

    def test_transparent_graphic_stays_png(self):
        # Noise does not compress: 600 x 600 x 4 bytes is about 1.4 MB as PNG.
        image = noise((600, 600), "RGBA")
        small = shrink_image(encode(image, "PNG"), max_bytes=600_000)
        assert small.mime_type == "image/png"
        assert len(small.content) <= 600_000
        assert 320 <= small.width < 600
        assert reopen(small).mode == "RGBA"

    def test_impossible_limit_is_refused(self):
        with pytest.raises(ImageRejected, match="cannot be made smaller"):
            shrink_image(encode(noise((800, 600)), "JPEG"), max_bytes=2_000, min_side=320)
