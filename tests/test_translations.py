"""Every page is available in Simplified Chinese: the catalogue has no untranslated or fuzzy entry,
and no string in the code or templates is missing from it."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent


def catalogues(root: Path) -> list[Path]:
    """The project catalogue and any app's own, skipping the virtualenv."""
    return sorted(p for p in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def problems(po: polib.POFile) -> list[str]:
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return found


def test_catalogue_is_complete():
    found = catalogues(ROOT)
    assert ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" in found
    assert sum(len(polib.pofile(str(p))) for p in found) > 100
    for path in found:
        assert problems(polib.pofile(str(path))) == [], path


@pytest.mark.slow
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the tree: anything new shows up untranslated."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext tools are not installed")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore",
            ".venv/*",
            "--ignore",
            "var/*",
            "--ignore",
            "tests/*",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(tmp_path)},
    )
    for path in catalogues(tmp_path):
        assert problems(polib.pofile(str(path))) == [], path.relative_to(tmp_path)
