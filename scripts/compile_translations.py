"""Compile every gettext catalogue of the project (locale/*/LC_MESSAGES/*.po -> .mo).

Uses Django's `compilemessages` when GNU gettext's `msgfmt` is installed (it also validates the
catalogues); otherwise compiles with polib, in pure Python, so a newcomer needs no system package.
A catalogue whose .mo is newer than its .po is skipped. No locale folder yet is not an error.
GENDAN_FORCE_POLIB=1 uses the pure-Python path even where msgfmt exists.

    python scripts/compile_translations.py
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Never descend into these: the virtualenv holds Django's own (already compiled) catalogues.
SKIP_DIRS = {".venv", "venv", ".git", "var", "node_modules", "staticfiles", "__pycache__", ".tox"}
DOMAINS = ("django.po", "djangojs.po")


def find_catalogues(root: Path = ROOT) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        path = Path(dirpath)
        if path.name == "LC_MESSAGES" and path.parent.parent.name == "locale":
            found.extend(path / name for name in filenames if name in DOMAINS)
    return sorted(found)


def is_stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_with_django() -> None:
    ignore = [f"--ignore={name}" for name in sorted(SKIP_DIRS)]
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    subprocess.run(  # noqa: S603 - fixed command, our own interpreter
        [sys.executable, "manage.py", "compilemessages", "--verbosity=1", *ignore],
        cwd=ROOT,
        env=env,
        check=True,
    )


def compile_with_polib(catalogues: list[Path]) -> None:
    import polib

    for po_path in catalogues:
        if not is_stale(po_path):
            print(f"{po_path} is up to date")
            continue
        catalogue = polib.pofile(str(po_path))
        # msgfmt leaves fuzzy entries out unless told otherwise; do the same.
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"processing file {po_path.name} in {po_path.parent}")


def main(root: Path = ROOT) -> int:
    catalogues = find_catalogues(root)
    if not catalogues:
        print("No translation catalogues (locale/*/LC_MESSAGES/*.po) yet: nothing to compile.")
        return 0
    if root == ROOT and shutil.which("msgfmt") and os.environ.get("GENDAN_FORCE_POLIB") != "1":
        compile_with_django()
    else:
        print("Compiling with polib (pure Python): msgfmt is not installed or GENDAN_FORCE_POLIB=1.")
        compile_with_polib(catalogues)
    return 0


if __name__ == "__main__":
    sys.exit(main())
