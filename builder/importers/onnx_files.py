"""The data files that come with an ONNX model: beside it in its own folder (CLI), or in the same upload (page).

`torch.onnx.export(..., dynamo=True)` writes `model.onnx` and `model.onnx.data`; each weight names the data
file (`location`), an offset and a length. A location is only ever a plain file name: the command line reads
it from the model's folder (no `..`, no `/`, no subfolder, no symlink leaving the folder, sizes checked before
reading); the page reads it from the bytes uploaded with the model (two files, or a zip of both), never a path.
"""
from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from pathlib import Path

from i18n import _

from ..limits import current
from .errors import ImportProblem

MAX_MEMBERS = 16  # a model and its data file(s)
MAX_RATIO = 100  # uncompressed / compressed per zip member; weights hardly compress


def plain_name(location: str) -> bool:
    return bool(location) and location not in (".", "..") and not any(c in location for c in "/\\:\0") \
        and location == location.strip()


def _not_plain(where: str, location: str) -> ImportProblem:
    return ImportProblem(_("{file}: its external data location '{location}' is not a plain file name; only a "
                           "data file beside the model (same folder, e.g. {file}.data) is read").format(
        file=where, location=location[:100]))


class Beside:
    """name -> bytes of a data file in the model's own folder; ImportProblem for anything else."""

    def __init__(self, model: Path):
        self.folder, self.where, self.total, self.read = model.resolve().parent, model.name, 0, {}

    def get(self, location: str):
        if location in self.read:
            return self.read[location]
        if not plain_name(location):
            raise _not_plain(self.where, location)
        path = self.folder / location
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode) and path.resolve().parent != self.folder:
                raise ImportProblem(_("{file}: the data file '{location}' is a link that leaves the model's "
                                      "folder, which is never followed").format(file=self.where, location=location))
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise ImportProblem(_("{file}: '{location}' beside it is not a file").format(
                    file=self.where, location=location))
            self._count(info.st_size)
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportProblem(_("{file}: its weights are in '{location}', which is not beside it in {folder}; keep "
                                  "the data file that torch.onnx.export wrote next to the model").format(
                file=self.where, location=location, folder=self.folder)) from None
        except OSError as e:
            raise ImportProblem(_("{file}: cannot read '{location}' ({why})").format(
                file=self.where, location=location, why=e.strerror)) from None
        self.read[location] = data
        return data

    def _count(self, size: int) -> None:
        self.total += size
        _within(self.total, self.where)


def _within(total: int, where: str) -> None:
    limit = current().onnx_data_bytes
    if total > limit:
        raise ImportProblem(_("{file}: its external data is larger than the {mb} MB limit "
                              "(NEUROCANVAS_ONNX_DATA_BYTES)").format(file=where, mb=limit >> 20))


class Given(dict):
    """name -> bytes of the data files uploaded with a model; a location that is not one of them is refused."""

    def __init__(self, files: dict, where: str):
        super().__init__(files)
        self.where = where
        _within(sum(len(v) for v in files.values()), where)

    def get(self, location, default=None):
        if not plain_name(location):
            raise _not_plain(self.where, location)
        return super().get(location, default)


def _members(zf: zipfile.ZipFile, where: str) -> list:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_MEMBERS:
        raise ImportProblem(_("{file}: {n} files in the zip; a model and its data file are expected").format(
            file=where, n=len(infos)))
    folders = {os.path.dirname(i.filename) for i in infos}
    for i in infos:
        parts = i.filename.replace("\\", "/").split("/")
        if i.filename.startswith(("/", "\\")) or ".." in parts or ":" in i.filename or len(folders) > 1:
            raise ImportProblem(_("{file}: the zip member '{name}' is not a file of one folder (no '..', no "
                                  "absolute or nested paths)").format(file=where, name=i.filename[:100]))
        if i.file_size > MAX_RATIO * max(i.compress_size, 1 << 16):
            raise ImportProblem(_("{file}: the zip member '{name}' unpacks to more than {ratio}x its size").format(
                file=where, name=i.filename[:100], ratio=MAX_RATIO))
    limits = current()
    if sum(i.file_size for i in infos) > limits.onnx_bytes + limits.onnx_data_bytes:
        raise ImportProblem(_("{file}: the zip unpacks to more than the limits for a model and its data").format(
            file=where))
    return infos


def _read_member(zf, info, where: str) -> bytes:
    with zf.open(info) as f:  # the header's size is a claim: read no more than it
        data = f.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise ImportProblem(_("{file}: the zip member '{name}' is not the size its header says").format(
            file=where, name=info.filename[:100]))
    return data


def from_zip(name: str, data: bytes) -> tuple[str, bytes, Given]:
    """(model name, model bytes, its data files) of a zip holding one .onnx and the files it refers to."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = _members(zf, name)
        models = [i for i in infos if i.filename.lower().endswith(".onnx")]
        if len(models) != 1:
            raise ImportProblem(_("{file}: the zip must hold one .onnx model, it holds {n}").format(
                file=name, n=len(models)))
        from .onnx_read import too_large
        too_large(models[0].file_size, os.path.basename(models[0].filename))
        _within(sum(i.file_size for i in infos if i is not models[0]), name)
        files = {os.path.basename(i.filename): _read_member(zf, i, name) for i in infos if i is not models[0]}
        model = _read_member(zf, models[0], name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, RuntimeError,
            OSError, zlib.error) as e:  # a broken, encrypted or oddly compressed archive
        if isinstance(e, ImportProblem):
            raise
        why = _("its compressed data is damaged") if isinstance(e, zlib.error) else str(e)[:100]
        raise ImportProblem(_("{file}: not a readable zip ({why})").format(file=name, why=why)) from None
    return os.path.basename(models[0].filename), model, Given(files, name)


def from_upload(uploads: list[tuple[str, bytes]]) -> tuple[str, bytes, Given]:
    """(model name, model bytes, data files) of what one upload holds: a .onnx with its data files, or a zip."""
    if len(uploads) == 1 and uploads[0][0].lower().endswith(".zip"):
        return from_zip(*uploads[0])
    models = [(n, d) for n, d in uploads if n.lower().endswith(".onnx")]
    if len(models) != 1:
        raise ImportProblem(_("{files}: give one .onnx model and the data file(s) torch.onnx.export wrote beside it "
                              "(e.g. model.onnx and model.onnx.data), or a zip of them").format(
            files=", ".join(n for n, _d in uploads)[:200] or "?"))
    name, model = models[0]
    return name, model, Given({os.path.basename(n): d for n, d in uploads if (n, d) != models[0]}, name)
