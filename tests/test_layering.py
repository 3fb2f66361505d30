"""Imports run downward only (docs/architecture.md). Each app sits in a layer; a module may import the apps
of lower layers and nothing above or beside it: `core` imports none of our apps, `orders` knows no stage,
the stages know neither each other nor supervision, and nothing below `evaluation` reads scores.

A small AST walk over every module (functions' local imports and migrations included) rather than
import-linter: one file to read, no dependency."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps in one layer may not import each other.
LAYERS: list[set[str]] = [
    {"core"},  # knows no domain
    {"accounts", "notifications"},  # leaves: people and roles; the outbox
    {"workcalendar"},  # the company calendar: working days for every clock
    {"orders"},  # customers, orders, the FSM, the work record: knows no stage
    {"production", "logistics", "aftersales"},  # the stages: each calls order services
    {"golive"},  # the go-live import: creates orders in any state, with each stage's part
    {"documents"},  # the PI and packing list PDFs: read orders and logistics, plug into the order page
    {"webhooks"},  # signed events to customers' systems: listens to orders.hooks.customer_event
    {"customer_portal"},  # the customer's pages: the status link, the signed-in portal (uses webhooks)
    {"supervision"},  # reads orders and the stages
    {"reminders"},  # the digest, reminders and escalation: read the stages and supervision, call notify()
    {"evaluation"},  # scores everything below
    {"dashboards", "calendarfeed", "search"},  # compose the selectors below: work pages; calendar feed; search
    {"config", "demo", "devtools"},  # the project: settings and urls; the demo data; development tools
]
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def imported_apps(source: str) -> set[str]:
    """The top-level packages a module imports, wherever in the module the import stands."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def layering_violations(root: Path) -> list[str]:
    """Every import of one of our apps that is not downward, as "file: app imports other"."""
    problems = []
    for app, rank in RANK.items():
        folder = root / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            for other in imported_apps(path.read_text(encoding="utf-8")) & RANK.keys() - {app}:
                if RANK[other] >= rank:
                    problems.append(f"{path.relative_to(root)}: {app} imports {other}")
    return problems


def test_imports_run_downward_only():
    assert layering_violations(ROOT) == []


def test_every_app_of_ours_has_a_layer():
    ours = {
        entry.split(".")[0]
        for entry in settings.INSTALLED_APPS
        if (ROOT / entry.split(".")[0] / "__init__.py").exists()
    }
    assert ours - RANK.keys() == set(), "place the new app in LAYERS"


def test_an_upward_or_sideways_import_is_caught(tmp_path):
    for app, source in {
        "core": "def f():\n    from orders.models import Order\n",
        "orders": "import logistics.services\n",
        "production": "from aftersales.models import Case\n",
        "supervision": "from orders.models import Order\nfrom accounts.roles import Role\n",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "module.py").write_text(source)

    assert sorted(layering_violations(tmp_path)) == [
        "core/module.py: core imports orders",
        "orders/module.py: orders imports logistics",
        "production/module.py: production imports aftersales",
    ]
