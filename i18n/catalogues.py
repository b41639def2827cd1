"""Extract msgids from the sources, update the en/zh .po catalogues and compile them to .mo (Babel)."""
from __future__ import annotations

import copy
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from . import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = LOCALE_DIR.parent.parent
SOURCES = ("app.py", "ui", "builder", "trainers", "export", "runs", "presets", "share", "i18n")  # those present
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SKIP = {".venv", "node_modules", "tests", "locales"}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def sources(root: Path = ROOT) -> list[Path]:
    """The Python files whose texts a person reads (tests and third-party code excluded)."""
    files = []
    for name in SOURCES:
        path = root / name
        found = [path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []
        files += [f for f in found if not SKIP.intersection(f.relative_to(root).parts)]
    return files


def extract(root: Path = ROOT) -> Catalog:
    """Every `_()`, `N_()` and `ngettext()` msgid in the sources, with where it is used."""
    template = Catalog(project="NeuroCanvas", fuzzy=False)
    for path in sources(root):
        with open(path, "rb") as f:
            for lineno, message, comments, _context in extract_python_file(f):
                template.add(message, locations=[(path.relative_to(root).as_posix(), lineno)],
                             auto_comments=comments)
    for message in data_texts():
        template.add(message, locations=[("builder/catalogue.py", 0)])
    return template


def data_texts() -> list[str]:
    """Texts kept as data rather than in `_()` calls: the layer catalogue's categories and help lines, the data
    sets' descriptions."""
    from builder.catalogue import CATEGORIES, palette  # the tool reads the catalogues; the runtime never needs to
    from trainers import DATASETS, describe
    texts = list(CATEGORIES) + [describe(name) for name in DATASETS if describe(name) != name]  # not a bare name
    for spec in palette().values():
        texts += [spec["help"]] + [p["help"] for p in spec["params"].values()]
    return [t for t in dict.fromkeys(texts) if t]


def extract_python_file(f):
    return babel_extract("python", f, keywords=KEYWORDS, comment_tags=("Translators:",))


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="NeuroCanvas")
    with open(path, "rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update(template: Catalog) -> dict[str, int]:
    """Merge the template into each language's .po (English msgstr = msgid); {lang: untranslated count}."""
    missing = {}
    for lang in LANGUAGES:
        catalogue = read(lang)
        template.creation_date = catalogue.creation_date  # a re-extract changes no dates: no merge noise
        catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True)  # update shares message objects
        catalogue.fuzzy = False
        for message in catalogue:
            if message.id and lang == LANGUAGES[0] and not _filled(message.string):
                message.string = message.id
        catalogue.obsolete.clear()
        write(lang, catalogue)
        missing[lang] = sum(1 for m in catalogue if m.id and not _filled(m.string))
    return missing


def _filled(string) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def write(lang: str, catalogue: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=120, sort_output=True, omit_header=False)
    path.write_bytes(buffer.getvalue())


def mo_bytes(lang: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(lang), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for lang in LANGUAGES:
        po_path(lang).with_suffix(".mo").write_bytes(mo_bytes(lang))


def stale() -> list[str]:
    """Languages whose committed .mo differs from what their .po compiles to (a forgotten compile)."""
    return [lang for lang in LANGUAGES
            if not po_path(lang).with_suffix(".mo").exists() or po_path(lang).with_suffix(".mo").read_bytes() != mo_bytes(lang)]
