"""A zip of pictures, one folder per class, read in memory with limits checked before any decoding.

Never extracted to disk and never a path on the server: entries are read by name from the zip's bytes.
"""
from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image

from i18n import _

from ..errors import TrainingError

MAX_ZIP_BYTES = 3_000_000  # it travels base64-encoded inside the project (5 MB at most)
MAX_TOTAL_BYTES = 60_000_000  # all entries uncompressed: a zip bomb stops here
MAX_FILES = 3000
MAX_PIXELS = 4096 * 4096  # per picture, read from its header before decoding (decompression bombs)
MAX_ZIP_PIXELS = 64 * 2**20  # all pictures together, from their headers: 4 of 4096², 1,000 of 256² (decoding time)
MAX_CLASSES = 100
MAX_DEPTH = 3  # [top folder/]class/picture
IGNORED = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
FORMATS = ("PNG", "JPEG")


@dataclass
class Picture:
    label: str  # the class folder
    name: str  # the entry's name in the zip, for messages
    data: bytes
    size: tuple = (0, 0)  # (width, height) from its header

    @property
    def pixels(self) -> int:
        return self.size[0] * self.size[1]


def _refuse(message: str, **kw) -> TrainingError:
    """`message` is already translated; the prefix says which upload is meant."""
    return TrainingError(_("picture zip: {problem}").format(problem=message.format(**kw)))


def _safe_parts(name: str) -> list[str]:
    path = PurePosixPath(name)
    if "\\" in name or name.startswith("/") or ".." in path.parts or ":" in path.parts[0]:
        raise _refuse(_("'{name}' points outside the zip (refused)"), name=name[:120])
    if len(path.parts) > MAX_DEPTH:
        raise _refuse(_("'{name}' is nested too deep: use one folder per class, pictures directly inside"),
                      name=name[:120])
    return list(path.parts)


def _entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = [i for i in archive.infolist() if not i.is_dir() and not any(x in i.filename for x in IGNORED)]
    if len(infos) > MAX_FILES:
        raise _refuse(_("{n} files, more than the limit of {limit}"), n=len(infos), limit=MAX_FILES)
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise _refuse(_("{mb} MB uncompressed, more than the limit of {limit} MB"), mb=total >> 20,
                      limit=MAX_TOTAL_BYTES >> 20)
    return infos


def _labels(infos) -> list[tuple[str, zipfile.ZipInfo]]:
    """(class folder, entry); one common top folder (a zipped folder of class folders) is skipped."""
    parts = [_safe_parts(i.filename) for i in infos]
    if parts and all(len(p) == 3 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]
    out = []
    for p, info in zip(parts, infos):
        if len(p) != 2:
            raise _refuse(_("'{name}' is not inside a class folder (expected class/picture.png)"), name=info.filename)
        out.append((p[0], info))
    return out


def check_picture(data: bytes, name: str) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG of a sane size, judged from its header (and a PNG's chunk checksums, which
    catch a cut or changed file) without decoding a pixel."""
    damaged = False
    try:
        with warnings.catch_warnings():  # Pillow warns between 1x and 2x its limit; the check below refuses
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                fmt, (w, h) = im.format, im.size
                if fmt == "PNG":
                    damaged = True
                    im.verify()
                    damaged = False
    except Image.DecompressionBombError:
        raise _refuse(_("'{name}' has more than {limit:,} pixels"), name=name, limit=MAX_PIXELS) from None
    except Exception:  # PIL raises many kinds for a file that is not a picture
        if damaged:
            raise _refuse(_("'{name}' is a damaged PNG (cut short or changed)"), name=name) from None
        raise _refuse(_("'{name}' is not a PNG or JPEG picture"), name=name) from None
    if fmt not in FORMATS:
        raise _refuse(_("'{name}' is {fmt}; only PNG and JPEG are read"), name=name, fmt=fmt)
    if w * h > MAX_PIXELS:
        raise _refuse(_("'{name}' is {w}×{h} pixels, more than the limit of {limit:,}"), name=name, w=w, h=h,
                      limit=MAX_PIXELS)
    return w, h


def _check_budget(pictures: list[Picture]) -> None:
    """All pictures together, from their headers, before any is decoded: a zip of blank 4096² PNGs is tiny."""
    total = sum(p.pixels for p in pictures)
    if total > MAX_ZIP_PIXELS:
        top = max(pictures, key=lambda p: p.pixels)
        raise _refuse(_("its pictures hold {total:,} pixels in all, more than the limit of {limit:,} (read from their "
                        "headers; nothing was decoded). Make them smaller: the largest, '{name}', is {w}×{h}"),
                      total=total, limit=MAX_ZIP_PIXELS, name=top.name, w=top.size[0], h=top.size[1])


def read_pictures(zip_bytes: bytes) -> list[Picture]:
    """Every picture of the zip with its class; TrainingError naming the entry that breaks a rule."""
    if len(zip_bytes) > MAX_ZIP_BYTES:
        raise _refuse(_("{mb:.1f} MB, more than the limit of {limit:.1f} MB"), mb=len(zip_bytes) / 1e6,
                      limit=MAX_ZIP_BYTES / 1e6)
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(_("not a zip file")) from None
    with archive:
        labelled = _labels(_entries(archive))
        pictures = []
        for label, info in labelled:
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, ValueError, NotImplementedError, EOFError):
                raise _refuse(_("'{name}' cannot be read from the zip"), name=info.filename) from None
            pictures.append(Picture(label, info.filename, data, check_picture(data, info.filename)))
    classes = {p.label for p in pictures}
    if len(classes) < 2 or len(classes) > MAX_CLASSES:
        raise _refuse(_("{n} class folder(s) found; between 2 and {limit} are needed"), n=len(classes),
                      limit=MAX_CLASSES)
    _check_budget(pictures)
    return pictures
