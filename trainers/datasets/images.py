"""Your own pictures as a data set: a zip of class folders (base64 in the project), resized, gray or RGB."""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import io
import threading
from collections import OrderedDict

import numpy as np
import torch
from PIL import Image, ImageOps

from i18n import _, language

from ..errors import TrainingError
from .base import Dataset
from .picture_zip import MAX_PIXELS, MAX_ZIP_BYTES, read_pictures

SIZES = (8, 128)  # smallest and largest side a picture is resized to
COLORS = ("rgb", "gray")
MAX_SHIFT = 2  # pixels a picture may move in light augmentation
SURVEYS = 64  # zips whose header survey (class of each picture, or the refusal) is kept, by content digest
_surveys: OrderedDict = OrderedDict()  # (sha256 of the zip's text, language) -> survey()
_surveys_lock = threading.Lock()

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, as a second line behind the header check


def encode_zip(zip_bytes: bytes) -> str:
    """The zip as the text that travels in `training.dataset_options.zip`."""
    return base64.b64encode(zip_bytes).decode("ascii")


def decode_zip(text) -> bytes:
    if not isinstance(text, str) or not text:
        raise TrainingError(_("training.dataset_options.zip: the images data set needs a zip of class folders"))
    if len(text) > MAX_ZIP_BYTES * 4 // 3 + 4:
        raise TrainingError(_("training.dataset_options.zip: larger than the {mb:.1f} MB limit").format(
            mb=MAX_ZIP_BYTES / 1e6))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TrainingError(_("training.dataset_options.zip: not base64 text")) from None


def to_array(data: bytes, size: int, color: str) -> np.ndarray:
    """(C, size, size) float32 in [0, 1]; EXIF rotation applied, squashed to a square like Teachable Machine."""
    with Image.open(io.BytesIO(data)) as im:
        im = ImageOps.exif_transpose(im).convert("L" if color == "gray" else "RGB")
        im = im.resize((size, size), Image.Resampling.BILINEAR)
        a = np.asarray(im, dtype=np.float32) / 255.0
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


def decoded(pictures, size: int, color: str):
    """Each picture as to_array() makes it, one at a time (a caller can count, or keep only a few); TrainingError
    naming the first one whose body does not decode as its header promised."""
    for picture in pictures:
        try:
            yield to_array(picture.data, size, color)
        except (OSError, ValueError, Image.DecompressionBombError):  # a header that lies about the body
            raise TrainingError(_("picture zip: '{name}' cannot be decoded").format(name=picture.name)) from None


def augment_batch(x: torch.Tensor, shape: tuple) -> torch.Tensor:
    """Light augmentation of a training batch: random horizontal flips and shifts of up to MAX_SHIFT pixels."""
    b = x.reshape(len(x), *shape)  # (B, C, H, W) whatever shape the Input node wants
    flip = torch.rand(len(b), device=b.device) < 0.5
    b = torch.where(flip[:, None, None, None], b.flip(-1), b)
    dy, dx = (int(v) for v in torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (2,)))
    b = torch.roll(b, shifts=(dy, dx), dims=(-2, -1))
    return b.reshape(x.shape)


def _options(size, color, augment):
    if isinstance(size, bool) or not isinstance(size, int) or not SIZES[0] <= size <= SIZES[1]:
        raise TrainingError(_("training.dataset_options.size: a whole number of pixels from {lo} to {hi}, got "
                              "{value!r}").format(lo=SIZES[0], hi=SIZES[1], value=size))
    if color not in COLORS:
        raise TrainingError(_("training.dataset_options.color: rgb or gray, got {value!r}").format(value=color))
    if not isinstance(augment, bool):
        raise TrainingError(_("training.dataset_options.augment: true or false, got {value!r}").format(value=augment))


def images(zip: str | None = None, size: int = 32, color: str = "rgb", augment: bool = False) -> Dataset:
    """Your pictures: a zip with one folder per class (PNG/JPEG), resized to size×size, RGB or gray."""
    _options(size, color, augment)
    pictures = read_pictures(decode_zip(zip))
    x = torch.from_numpy(np.stack(list(decoded(pictures, size, color))))
    return _dataset([p.label for p in pictures], x, size, augment)


def survey(text) -> tuple[tuple, object]:
    """(the class folder of every picture in order, None), or ((), the TrainingError): the zip's headers read once
    per content and language, with every check and the pixel budget applied and no picture decoded. Refusals are
    kept too, so a page that shows a refused upload on every rerun reads it once."""
    key = (hashlib.sha256(text.encode()).hexdigest(), language()) if isinstance(text, str) else None
    with _surveys_lock:
        if key in _surveys:
            _surveys.move_to_end(key)
            return _surveys[key]
    try:
        found = tuple(p.label for p in read_pictures(decode_zip(text))), None
    except TrainingError as exc:
        found = (), exc
    if key is not None:
        with _surveys_lock:
            _surveys[key] = found
            while len(_surveys) > SURVEYS:
                _surveys.popitem(last=False)
    return found


def outline(zip: str | None = None, size: int = 32, color: str = "rgb", augment: bool = False) -> Dataset:
    """What images() would give, from the zip's headers alone, for checks that need shapes and classes on the page:
    x is a zero-filled view of the right shape that holds no memory (no picture is decoded)."""
    _options(size, color, augment)
    labels, problem = survey(zip)
    if problem is not None:
        raise problem
    x = torch.zeros((), dtype=torch.float32).expand(len(labels), 1 if color == "gray" else 3, size, size)
    return _dataset(list(labels), x, size, augment)


def _dataset(labels: list, x: torch.Tensor, size: int, augment: bool) -> Dataset:
    classes = sorted(set(labels))
    y = torch.tensor([classes.index(label) for label in labels], dtype=torch.long)
    data = Dataset("images", "image", "classification", x, y, len(classes), classes, image_shape=(size, size))
    if augment:
        data.augment = functools.partial(augment_batch, shape=tuple(x.shape[1:]))
    return data
