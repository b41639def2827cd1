"""Share links: a whole project in one URL query value, so a link opens the same graph on any server.

Value = version character + base64url(crc32 of the JSON (4 bytes) + raw deflate of canonical JSON),
compressed against a fixed dictionary of the strings every project repeats. A new dictionary or layout
needs a new version character; old ones keep decoding.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from builder.checked_project import Checked
from builder.limits import LIMITS
from builder.outside import project_from_outside
from builder.project import Project, ProjectError, project_from_dict
from i18n import _

VERSION = "1"
PARAM = "project"  # the query key: ?project=1...
MAX_LINK_CHARS = LIMITS.link_chars  # the query value; common servers and proxies cut URLs near 8 KB
MAX_JSON_BYTES = LIMITS.link_json_bytes  # decompressed: a project is a few KB, so more is a deflate bomb

# Strings that projects repeat (keys, layer and loss names). Frozen for VERSION "1": never edit it.
ZDICT_1 = (
    '"val_fraction":0.2,"seed":0}"batch_size":64,"epochs":10,"dataset":"digits","dataset_options":{}'
    '"optimizer":{"lr":0.001,"type":"Adam"},"schedule":{"type":"none"},"loss":"CrossEntropyLoss"'
    '"MSELoss""SGD""AdamW""momentum"'
    '"type":"TransformerEncoderLayer""nhead""dim_feedforward""norm_first"'
    '"type":"MultiheadAttention""num_heads""type":"PositionalEncoding""kind":"sinusoidal""max_len"'
    '"type":"Embedding""num_embeddings""embedding_dim""type":"SequencePool""mode":"last"'
    '"type":"LSTM""type":"GRU""type":"RNN""hidden_size""num_layers""bidirectional":false'
    '"type":"Conv2d","kernel_size""out_channels""padding""stride""type":"MaxPool2d"'
    '"type":"BatchNorm2d""type":"BatchNorm1d""type":"LayerNorm""type":"Dropout""p":0.'
    '"type":"Flatten""type":"Reshape""type":"Concat""type":"Add""type":"Softmax"'
    '"type":"GELU""type":"Sigmoid""type":"Tanh""type":"ReLU"},"type":"Linear"}'
    '{"params":{"out_features":'
    '{"description":"","format":"neurocanvas/1","graph":{"edges":[{"source":"in","target":"fc1"},'
    '{"source":"'
    '","target":"'
    '"}],"nodes":[{"id":"in","params":{"shape":[64]},"pos":[0,0],"type":"Input"},{"id":"'
    '","params":{},"pos":['
    '"lesson":{"concept":"'  # the lesson block of presets (bilingual prose)
    '"en":{"body":"**What it shows.** '
    '\\n\\n**What to watch.** '
    '\\n\\n**Try this.**\\n- '
    '","summary":"'
    '","title":"'
    '"zh":{"body":"**演示内容。** '
    '\\n\\n**观察要点。** '
    '\\n\\n**动手试试。**\\n- '
    '"target":{"metric":"val_accuracy","op":">=","value":0.'
    '"variants":['
).encode("utf-8")


class LinkError(ValueError):
    """A share link that cannot be opened; the message says why in words a user can act on."""


def _as_dict(project) -> dict:
    """The JSON object of a project (a Checked, a Project, or a dict checked for the format here)."""
    if isinstance(project, Checked):
        project = project.project
    return project.to_dict() if isinstance(project, Project) else project_from_dict(project, "project").to_dict()


def canonical_json(project) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same project always gives the same bytes."""
    data = project if isinstance(project, dict) else _as_dict(project)
    try:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")
    except ValueError as e:
        raise LinkError(_("the project cannot be put in a link: {why}").format(why=e)) from None


def encode_project(project) -> str:
    """The link value for a project (Checked, Project or dict); LinkError when it exceeds MAX_LINK_CHARS."""
    try:
        data = _as_dict(project)  # a dict is validated for the format; unknown keys survive
    except ProjectError as e:
        raise LinkError(_("the project cannot be put in a link: {why}").format(why=e)) from None
    raw = canonical_json(data)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT_1)
    body = binascii.crc32(raw).to_bytes(4, "big") + packer.compress(raw) + packer.flush()
    value = VERSION + base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
    if len(value) > MAX_LINK_CHARS:
        raise LinkError(_("the project is too large for a link ({size:,} characters; the limit is {limit:,}): "
                          "share the project file or a run bundle instead").format(size=len(value),
                                                                                    limit=MAX_LINK_CHARS))
    return value


def decode_project(value: str) -> Project:
    """The project in a link value; LinkError says whether it is cut off, edited, too new or too big."""
    if not isinstance(value, str) or not value.strip():
        raise LinkError(_("the share link holds no project"))
    value = value.strip()
    if len(value) > MAX_LINK_CHARS:
        raise LinkError(_("the share link is too long ({size:,} characters; the limit is {limit:,})").format(
            size=len(value), limit=MAX_LINK_CHARS))
    if value[0] != VERSION:
        raise LinkError(_("this share link has version '{version}', which this NeuroCanvas cannot read (it reads "
                          "version {ours}): it may come from a newer server, or be damaged").format(
            version=value[0], ours=VERSION))
    text = value[1:]
    if len(text) % 4 == 1 or len(text) < 8:
        raise LinkError(_("the share link is truncated: copy the whole link"))
    try:
        body = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise LinkError(_("the share link is damaged: it contains characters a link never holds")) from None
    unpacker = zlib.decompressobj(-15, zdict=ZDICT_1)
    try:
        raw = unpacker.decompress(body[4:], MAX_JSON_BYTES + 1)
    except zlib.error:
        raise LinkError(_("the share link is damaged (it does not decompress): it was edited or cut off")) from None
    if len(raw) > MAX_JSON_BYTES:
        raise LinkError(_("the share link expands to more than {limit:,} bytes: not a project").format(
            limit=MAX_JSON_BYTES))
    if not unpacker.eof:
        raise LinkError(_("the share link is truncated: copy the whole link"))
    if unpacker.unused_data or binascii.crc32(raw).to_bytes(4, "big") != body[:4]:
        raise LinkError(_("the share link was changed or damaged: its checksum does not match"))
    try:
        return project_from_outside(raw, "share link")  # bounded nesting, no server paths
    except ProjectError as e:
        raise LinkError(_("the share link does not hold a NeuroCanvas project: {why}").format(why=e)) from None


def share_url(project, base_url: str) -> str:
    """base_url with ?project=<value> set (other query keys kept, an old project value replaced)."""
    parts = urlsplit(base_url)
    query = [(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items() for v in vs if k != PARAM]
    query.append((PARAM, encode_project(project)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def project_from_query(params) -> Project | None:
    """The project in a page's query parameters (st.query_params or a dict); None when there is none."""
    value = params.get(PARAM) if hasattr(params, "get") else None
    if isinstance(value, list):
        value = value[-1] if value else None
    return decode_project(value) if value else None
