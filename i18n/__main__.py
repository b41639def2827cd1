"""`python -m i18n extract|compile|check`: keep the en/zh catalogues in step with the sources."""
import argparse
import sys

from . import LANGUAGES
from .catalogues import compile_all, extract, po_path, read, stale, update


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m i18n", description=__doc__)
    ap.add_argument("command", choices=("extract", "compile", "check"),
                    help="extract: update the .po files from the sources; compile: write the .mo files; "
                         "check: fail on an untranslated msgid or a .mo older than its .po")
    args = ap.parse_args(argv)
    if args.command == "extract":
        for lang, count in update(extract()).items():
            print(f"{po_path(lang)}: {count} untranslated")
        return 0
    if args.command == "compile":
        compile_all()
        return 0
    problems = [f"{lang}: .mo does not match .po (run python -m i18n compile)" for lang in stale()]
    known = {m.id for m in extract() if m.id}
    for lang in LANGUAGES:
        catalogue = read(lang)
        problems += [f"{lang}: untranslated {m.id!r}" for m in catalogue if m.id and not m.string]
        problems += [f"{lang}: missing {msgid!r} (run python -m i18n extract)" for msgid in known - {m.id for m in catalogue}]
    print("\n".join(problems) or "catalogues complete", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
