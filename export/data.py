"""Self-contained source for each built-in data set, emitted into exported training scripts.

Each entry regenerates exactly the tensors trainers/datasets builds (same code, same seeds; a test
compares them) using only torch, numpy and scikit-learn. Keys are the saved data set names; the
options, their defaults and how a set is split and standardised come from trainers' own catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass

from i18n import N_
from trainers.datasets import dataset_options
from trainers.datasets.idx import FILES, MIRRORS


@dataclass(frozen=True)
class DataCode:
    body: str  # the function body; returns x, y
    imports: tuple = ()  # module-level imports the body needs
    needs: str = ""  # a package beyond torch, numpy and scikit-learn, named in the script's docstring
    helper: str = ""  # a module-level function the body calls (emitted before load_data)


def _sk_table(loader: str, scale: str = "") -> str:
    return (f"    from sklearn.datasets import {loader}\n"
            f"    bunch = {loader}()\n"
            f"    x = torch.as_tensor(np.asarray(bunch.data, dtype=np.float32)){scale}\n"
            f"    y = torch.as_tensor(np.asarray(bunch.target, dtype=np.int64))\n"
            f"    return x, y\n")


def _points(make: str, scale: str = "") -> str:
    return (f"    from sklearn import datasets\n"
            f"    x, y = datasets.{make}\n"
            f"    return torch.as_tensor(x{scale}, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)\n")


_WINDOWS = ("    s = torch.as_tensor(np.asarray(s, dtype=np.float32))\n"
            "    x = s.unfold(0, window, 1)[:-1].unsqueeze(-1).contiguous()  # (N, window, 1)\n"
            "    y = s[window:].unsqueeze(1)  # (N, 1): the value right after each window\n")


def _tokens(target: str) -> DataCode:
    body = ("    g = torch.Generator().manual_seed(seed)\n"
            "    x = torch.randint(0, vocab, (n_samples, length), generator=g)  # (N, T) token ids\n"
            f"    return x, {target}\n")
    return DataCode(body)


def _idx(name: str, mirror: str) -> DataCode:
    body = (f"    folder = Path(root or \"data\") / \"{name}\"  # holds the two IDX files (or .gz)\n"
            f"    files = {FILES!r}\n"
            "    found = {}\n"
            "    for key, stem in files.items():\n"
            "        found[key] = next((p for p in (folder / stem, folder / f\"{stem}.gz\") if p.is_file()), None)\n"
            "        if found[key] is None and download:\n"
            "            import urllib.request\n"
            "            folder.mkdir(parents=True, exist_ok=True)\n"
            f"            urllib.request.urlretrieve(\"{mirror}\" + stem + \".gz\", folder / f\"{{stem}}.gz\")\n"
            "            found[key] = folder / f\"{stem}.gz\"\n"
            "        if found[key] is None:\n"
            "            raise SystemExit(f\"put {stem} (or {stem}.gz) into {folder}, or call load_data(download=True)\")\n"
            "    images, labels = read_idx(found[\"images\"]), read_idx(found[\"labels\"])\n"
            "    if n_samples:\n"
            "        images, labels = images[:n_samples], labels[:n_samples]\n"
            "    x = torch.as_tensor(images.astype(np.float32) / 255.0).unsqueeze(1)  # (N, 1, 28, 28)\n"
            "    return x, torch.as_tensor(labels.astype(np.int64))\n")
    return DataCode(body, imports=("gzip", "struct", "numpy as np", "from pathlib import Path"), helper=READ_IDX)


READ_IDX = '''def read_idx(path):
    """One IDX file (plain or .gz): 2 zero bytes, a dtype code, the rank, big-endian int32 sizes."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    zero, code, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in dtypes:
        raise SystemExit(f"{path}: not an IDX file")
    dims = struct.unpack(f">{rank}i", data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=dtypes[code], offset=4 + 4 * rank).reshape(dims)
'''

CSV_BODY = (
    "    frame = pd.read_csv(io.StringIO(text) if text is not None else path)\n"
    "    if task is None:  # integer targets with few values, or text, are class labels\n"
    "        t = frame[target]\n"
    "        few = pd.api.types.is_integer_dtype(t) and t.nunique() <= 20\n"
    "        numeric = pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)\n"
    "        task = \"classification\" if few or not numeric else \"regression\"\n"
    "    features = frame.drop(columns=[target])\n"
    "    categorical = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]\n"
    "    features = pd.get_dummies(features, columns=categorical, dtype=np.float32)  # categories -> one-hot\n"
    "    x = torch.as_tensor(features.to_numpy(dtype=np.float32))\n"
    "    if task == \"classification\":\n"
    "        codes, classes = pd.factorize(frame[target], sort=True)\n"
    "        return x, torch.as_tensor(codes.astype(np.int64))\n"
    "    return x, torch.from_numpy(frame[target].to_numpy(dtype=np.float32, copy=True)).unsqueeze(1)\n")


DATA_CODE: dict[str, DataCode] = {
    "digits": DataCode(_sk_table("load_digits", " / 16.0  # pixels are 0..16"), imports=("numpy as np",)),
    "iris": DataCode(_sk_table("load_iris"), imports=("numpy as np",)),
    "wine": DataCode(_sk_table("load_wine"), imports=("numpy as np",)),
    "breast_cancer": DataCode(_sk_table("load_breast_cancer"), imports=("numpy as np",)),
    "diabetes": DataCode(
        "    from sklearn.datasets import load_diabetes\n"
        "    bunch = load_diabetes()\n"
        "    x = torch.as_tensor(np.asarray(bunch.data, dtype=np.float32))\n"
        "    y = torch.as_tensor(np.asarray(bunch.target, dtype=np.float32)).unsqueeze(1)  # (N, 1)\n"
        "    return x, y\n", imports=("numpy as np",)),
    "moons": DataCode(_points("make_moons(n_samples, noise=noise, random_state=seed)")),
    "circles": DataCode(_points("make_circles(n_samples, noise=noise, factor=factor, random_state=seed)")),
    "gaussians": DataCode(_points("make_blobs(n_samples, centers=classes, cluster_std=noise, center_box=(-5, 5), "
                                  "random_state=seed)", " / 3.0")),
    "xor": DataCode(
        "    rng = np.random.default_rng(seed)\n"
        "    x = rng.uniform(-1, 1, size=(n_samples, 2))\n"
        "    x += np.sign(x) * 0.05  # a small gap at the axes\n"
        "    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)\n"
        "    x = x + rng.normal(0, noise, x.shape)\n"
        "    return torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)\n",
        imports=("numpy as np",)),
    "spiral": DataCode(
        "    rng = np.random.default_rng(seed)\n"
        "    per = n_samples // classes\n"
        "    xs, ys = [], []\n"
        "    for c in range(classes):  # one arm per class\n"
        "        r = np.linspace(0.05, 1.0, per)\n"
        "        t = r * turns * 2 * math.pi + c * 2 * math.pi / classes\n"
        "        pts = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)\n"
        "        xs.append(pts + rng.normal(0, noise, pts.shape))\n"
        "        ys.append(np.full(per, c))\n"
        "    x, y = np.concatenate(xs), np.concatenate(ys)\n"
        "    return torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)\n",
        imports=("math", "numpy as np")),
    "sine": DataCode(
        "    rng = np.random.default_rng(seed)\n"
        "    t = np.arange(n_points) * 0.1\n"
        "    s = np.sin(t) + 0.5 * np.sin(2.7 * t) + rng.normal(0, noise, n_points)\n" + _WINDOWS +
        "    return x, y\n", imports=("numpy as np",)),
    "stocks": DataCode(
        "    import plotly.data\n"
        "    frame = plotly.data.stocks()  # 105 weekly closes of six tech stocks\n"
        "    symbols = list(symbols or [c for c in frame.columns if c != \"date\"])\n"
        "    xs, ys = [], []\n"
        "    for name in symbols:\n"
        "        s = frame[name].to_numpy()\n"
        "        s = torch.as_tensor(np.asarray(s, dtype=np.float32))\n"
        "        xs.append(s.unfold(0, window, 1)[:-1].unsqueeze(-1))\n"
        "        ys.append(s[window:].unsqueeze(1))\n"
        "    x = torch.stack(xs, 1).reshape(-1, window, 1)  # interleaved by time\n"
        "    y = torch.stack(ys, 1).reshape(-1, 1)\n"
        "    return x, y\n", imports=("numpy as np",), needs="plotly"),
    "adding": DataCode(
        "    g = torch.Generator().manual_seed(seed)\n"
        "    values = torch.rand(n_samples, length, generator=g)\n"
        "    first = torch.randint(0, length // 2, (n_samples,), generator=g)\n"
        "    second = torch.randint(length // 2, length, (n_samples,), generator=g)\n"
        "    marks = torch.zeros(n_samples, length)\n"
        "    rows = torch.arange(n_samples)\n"
        "    marks[rows, first] = 1.0\n"
        "    marks[rows, second] = 1.0\n"
        "    y = (values * marks).sum(1, keepdim=True)  # (N, 1): the sum of the two marked values\n"
        "    return torch.stack([values, marks], -1), y  # x (N, length, 2)\n"),
    "reverse": _tokens("x.flip(1)"),
    "sort": _tokens("x.sort(1).values"),
    "copy": _tokens("x.clone()"),
    "recall": _tokens("x[:, 0].clone()  # remember the first token"),
    "csv": DataCode(CSV_BODY, imports=("io", "numpy as np", "pandas as pd"), needs="pandas"),
    "mnist": _idx("mnist", MIRRORS["mnist"]),  # the addresses trainers' own loader downloads from
    "fashion_mnist": _idx("fashion_mnist", MIRRORS["fashion_mnist"]),
}
MAX_EMBEDDED_CSV = 1_000_000  # an uploaded CSV's text goes into the script up to this size


def data_function(name: str, options: dict) -> tuple[str, str, DataCode]:
    """`def load_data(...)` for data set `name`, the call with the project's options, and its entry.

    Raises ValueError naming training.dataset / training.dataset_options when it cannot be emitted.
    """
    if name not in DATA_CODE:
        known = ", ".join(DATA_CODE)
        raise ValueError(N_("training.dataset: the data set '{name}' cannot be written into a script; "
                            "scripts can load: {known}", name=name, known=known))
    code, defaults = DATA_CODE[name], dataset_options(name)
    options = {k: v for k, v in options.items() if k != "autoencode"}
    for key in options:
        if key not in defaults:
            raise ValueError(N_("training.dataset_options.{key}: '{name}' has no option '{key}' (options: {options})",
                                key=key, name=name, options=", ".join(defaults) or N_("none")))
    signature = ", ".join(f"{k}={v!r}" for k, v in defaults.items())
    source = f"def load_data({signature}):\n    \"\"\"The '{name}' data set: x, y tensors.\"\"\"\n{code.body}"
    head = code.helper + "\n\n" if code.helper else ""
    if name == "csv":
        head, options = _csv(options, head)
    args = [k + "=" + (v if k == "text" and v == "CSV_TEXT" else repr(v)) for k, v in options.items()]
    return head + source, f"load_data({', '.join(args)})", code


def _csv(options: dict, head: str) -> tuple[str, dict]:
    """An uploaded CSV's text goes into the script; a file path becomes its name next to the script."""
    options = dict(options)
    if not options.get("target"):
        raise ValueError(N_("training.dataset_options.target: the csv data set needs the target column"))
    if options.get("text") is not None:
        text = str(options["text"])
        if len(text) > MAX_EMBEDDED_CSV:
            raise ValueError(N_("training.dataset_options.text: the uploaded CSV ({size:,} characters) is too large "
                                "to put in a script (limit {limit:,})", size=len(text), limit=MAX_EMBEDDED_CSV))
        head += f"CSV_TEXT = {text!r}  # the uploaded CSV\n\n\n"
        options["text"] = "CSV_TEXT"
        options.pop("path", None)
    elif options.get("path"):
        options["path"] = str(options["path"]).replace("\\", "/").rsplit("/", 1)[-1]  # put the file next to the script
    else:
        raise ValueError(N_("training.dataset_options: the csv data set needs 'path' or 'text'"))
    return head, options
