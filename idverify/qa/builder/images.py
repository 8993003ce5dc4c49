"""Face photos and scenes that installed packages ship, and the edits that make test images.

Sources (no download, no copy of ../shared): matplotlib's ``grace_hopper.jpg`` and
scikit-image's ``astronaut.png`` (two people, one face each), and scikit-image's ``coffee.png``
and ``rocket.jpg`` (no face). The edits are small, seeded and deterministic: mirror, rotation,
light, blur, noise, scale, JPEG re-encoding, and a side-by-side composite for two faces.
"""

from __future__ import annotations

import importlib.util
import io
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

__all__ = ["PEOPLE", "augment", "encode", "face_recognition_module", "packaged", "portrait", "side_by_side",
           "truncated"]

#: Person -> (package, path inside it, portrait crop box left, top, right, bottom in pixels).
PEOPLE: dict[str, tuple[str, tuple[str, ...], tuple[int, int, int, int]]] = {
    "hopper": ("matplotlib", ("mpl-data", "sample_data", "grace_hopper.jpg"), (98, 29, 448, 479)),
    "astronaut": ("skimage", ("data", "astronaut.png"), (120, 10, 330, 270)),
}
#: Width in pixels of each person's face (dlib's box) on the portrait crop above.
FACE_WIDTHS: dict[str, int] = {"hopper": 186, "astronaut": 90}
#: Scenes without a face.
SCENES: dict[str, tuple[str, tuple[str, ...]]] = {
    "coffee": ("skimage", ("data", "coffee.png")),
    "rocket": ("skimage", ("data", "rocket.jpg")),
}


def packaged(package: str, *parts: str) -> Path:
    """The path of a data file inside an installed package; FileNotFoundError if absent."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{package} does not ship {'/'.join(parts)}")
    return path


def portrait(person: str) -> Image.Image:
    """The head-and-shoulders crop of a packaged person's photo, RGB."""
    package, parts, box = PEOPLE[person]
    with Image.open(packaged(package, *parts)) as image:
        return image.convert("RGB").crop(box)


def scene(name: str) -> Image.Image:
    """A packaged photo without a face, RGB."""
    package, parts = SCENES[name]
    with Image.open(packaged(package, *parts)) as image:
        return image.convert("RGB")


def augment(image: Image.Image, rng: random.Random, *, strength: float = 1.0, mirror: bool | None = None) -> Image.Image:
    """A plausible other photo of the same face: mirror, rotation up to 6 degrees, light,
    slight blur and sensor noise, scaled by ``strength`` (0 leaves the image as is)."""
    out = image
    if mirror if mirror is not None else rng.random() < 0.5:
        out = ImageOps.mirror(out)
    angle = rng.uniform(-6, 6) * strength
    out = out.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    out = ImageEnhance.Brightness(out).enhance(1 + rng.uniform(-0.25, 0.25) * strength)
    out = ImageEnhance.Contrast(out).enhance(1 + rng.uniform(-0.2, 0.2) * strength)
    if rng.random() < 0.5 * strength:
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0) * strength))
    pixels = np.asarray(out, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 4 * strength, pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def scaled(image: Image.Image, width: int) -> Image.Image:
    """``image`` resized to ``width`` pixels wide, aspect kept."""
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def two_faces(face_width: int = 120) -> Image.Image:
    """Both packaged people side by side, each scaled so their faces are ``face_width`` px wide:
    two faces of the same size, which no selection rule may resolve to one."""
    left, right = (scaled(portrait(p), round(portrait(p).width * face_width / FACE_WIDTHS[p])) for p in ("hopper", "astronaut"))
    return side_by_side(left, right)


def side_by_side(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two photos on one canvas, top-aligned."""
    height = max(left.height, right.height)
    canvas = Image.new("RGB", (left.width + right.width + 40, height + 40), (235, 235, 235))
    canvas.paste(left, (10, 20))
    canvas.paste(right, (left.width + 30, 20))
    return canvas


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    """The image encoded as JPEG (``quality`` 1-95) or PNG, deterministically."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    else:
        image.save(buffer, format=fmt, optimize=True)
    return buffer.getvalue()


def truncated(data: bytes, keep: float = 0.35) -> bytes:
    """The first ``keep`` share of an encoded image: what an interrupted upload leaves."""
    return data[: max(16, int(len(data) * keep))]


def face_recognition_module():
    """face_recognition, imported without its side effects; None when it cannot be imported.

    Its import sets PIL's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES`` (so truncated uploads
    would decode in the same process), warns about pkg_resources (an error under ``-W error``)
    and calls ``quit()`` when its models are missing: all three are contained here.
    """
    import warnings

    from PIL import ImageFile

    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import face_recognition
    except (ImportError, SystemExit):
        return None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return face_recognition
