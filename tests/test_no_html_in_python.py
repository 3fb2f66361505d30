"""Markup lives in templates (docs/architecture-html.md): no Python outside the tests marks text safe,
escapes it by hand, or holds HTML in a string, except where the allow-list below says why."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "var", ".git"}

# path -> why it may: each one is built safely, or is no HTML at all.
ALLOWED = {
    # ReportLab's Paragraph takes its own XML-like markup: xml.sax.saxutils.escape, for a PDF, not a page.
    "evaluation/exports.py": "ReportLab Paragraph markup",
}
UNSAFE_MODULES = {"html", "django.utils.html", "django.utils.safestring", "markupsafe", "jinja2"}
UNSAFE_NAMES = {"mark_safe", "SafeString", "SafeText", "Markup", "format_html", "format_html_join", "escape"}
HTML_STRING = re.compile(
    r"<(?:/)?(?:a|p|div|span|strong|em|small|b|i|br|tr|td|th|table|thead|tbody|ul|ol|li|form|input|select"
    r"|option|textarea|label|button|section|h[1-6]|img|script|style|details|summary)\b[^<>]*>",
    re.I,
)


def python_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1]) and path.parts[-1] != "conftest.py"
    )


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (text about HTML is fine)."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            found.add(id(first.value))
    return found


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip, found = docstrings(tree), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in UNSAFE_MODULES:
            found += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in UNSAFE_NAMES]
        elif isinstance(node, ast.Attribute) and node.attr in UNSAFE_NAMES - {"escape"}:
            found.append(f"{node.lineno}: uses .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "escape" and getattr(node.value, "id", "") == "html":
            found.append(f"{node.lineno}: uses html.escape")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:  # noqa: SIM102
            if HTML_STRING.search(node.value):
                found.append(f"{node.lineno}: HTML in a string: {node.value[:60]!r}")
    return found


def test_no_html_is_written_in_python():
    offenders = {}
    for path in python_files():
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        if found := findings(path):
            offenders[name] = found
    assert offenders == {}, "Markup belongs in a template (docs/architecture-html.md):\n" + "\n".join(
        f"{name}:{line}" for name, lines in offenders.items() for line in lines
    )


def test_the_check_finds_what_it_is_for(tmp_path):
    sample = tmp_path / "writer.py"
    sample.write_text(
        "from django.utils.safestring import mark_safe\n"
        "import html\n"
        "def row(x):\n"
        "    '''A <tr> writer.'''\n"
        "    return mark_safe(f'<td>{html.escape(x)}</td>')\n"
    )
    found = findings(sample)
    assert any("imports mark_safe" in f for f in found)
    assert any("html.escape" in f for f in found)
    assert any("HTML in a string" in f for f in found)
    assert not any("A <tr> writer" in f for f in found)  # a docstring may speak of HTML


def test_every_allowed_file_exists():
    for name in ALLOWED:
        assert (ROOT / name).exists(), name
