"""Every import of our own code names something that exists, local imports inside functions included.

Such an import runs only when its function does: a module moved to another app (the calendar, from
production to workcalendar) left a local import in a development script that no unit test calls, and only
the CI stage that runs the script found it. This reads every module with `ast`, as tests/test_layering.py
does, and resolves each absolute `from <our app>… import name` and `import <our app>…`."""

import ast
import importlib
import importlib.util

from .test_layering import RANK, ROOT


def _ours(module: str) -> bool:
    return module.split(".")[0] in RANK


def unresolved_imports() -> list[str]:
    problems = []
    for app in RANK:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            where = path.relative_to(ROOT)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if _ours(alias.name) and importlib.util.find_spec(alias.name) is None:
                            problems.append(f"{where}:{node.lineno}: no module {alias.name}")
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _ours(node.module):
                    try:
                        module = importlib.import_module(node.module)
                    except ModuleNotFoundError:
                        problems.append(f"{where}:{node.lineno}: no module {node.module}")
                        continue
                    for alias in node.names:
                        name = alias.name
                        if name == "*" or hasattr(module, name):
                            continue
                        if importlib.util.find_spec(f"{node.module}.{name}") is None:
                            problems.append(f"{where}:{node.lineno}: {node.module} has no {name}")
    return problems


def test_every_import_of_our_code_resolves():
    assert unresolved_imports() == []
