"""Which app may import which: the layers of Aduan, bottom to top.

0. ``lib``: framework-free helpers (no Django, no app): codes, phones, privacy
   masking, the working calendar, the routing model.
1. ``core``: the domain: models, lifecycle, disclosure, effects, outbox, the city.
2. ``deadlines``: the SLA clock, the escalation ladder and its sweep. ``knowledge``:
   public answers and their matching, suggested by the portal and the office; a peer
   of ``deadlines`` (neither imports the other).
3. ``portal``: the citizen's pages; its photo field is reused by the forms above it.
4. ``office``, ``channels``, ``reports``: peers that never import each other (the back
   office; the inbound channels and APIs; statistics and publishing).
5. ``triage``: routing suggestions, shown inside the office's pages (it reuses the
   office's views and decorators). ``privacy``: personal data's retention and the
   data-subject requests; it reaches into the records of core, channels and office to
   anonymise and delete them. The two never import each other.
6. ``demo``: the demo city; it may import anything, and nothing imports it.

Above them all, the project's own modules (``aduan/settings.py``, ``urls.py``,
``wsgi.py``, ``manage.py``) wire the apps together; no app imports them.

A module imports its own app and the apps of lower layers only, at module level or
inside a function alike. Where a lower layer must reach one above it, it names it by a
dotted path resolved at run time instead (the after-transition subscribers in
``aduan/core/effects.py``; the agency predictor of the deadline sweep,
``settings.ADUAN_AGENCY_PREDICTOR``), so the direction stays visible and one-way.
Production code (everything but tests and ``aduan/demo``) imports nothing from
``aduan.demo``: a deployment's own city is a row (``core.City``), never demo data.
"""

from __future__ import annotations

import ast
from pathlib import Path

import aduan

ROOT = Path(aduan.__file__).resolve().parent

LAYERS: dict[str, int] = {
    "lib": 0,
    "core": 1,
    "deadlines": 2,
    "knowledge": 2,
    "geo": 2,
    "portal": 3,
    "office": 4,
    "channels": 4,
    "reports": 4,
    "triage": 5,
    "privacy": 5,
    "demo": 6,
}
# Imports of these come from the top: no app may import them.
PROJECT = 99
TEST_SUPPORT = {"testing"}  # aduan/testing: fixtures for the test suite only


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test(path: Path) -> bool:
    rel = path.relative_to(ROOT).parts
    return "tests" in rel or path.name == "conftest.py" or rel[0] in TEST_SUPPORT


def app_of(module: str) -> str | None:
    """``core`` for ``aduan.core.models``; None for the project's own modules."""
    parts = module.split(".")
    if parts[0] != "aduan" or len(parts) < 2:
        return None
    if (ROOT / parts[1]).is_dir():
        return parts[1]
    return None


def layer_of(app: str | None) -> int:
    return PROJECT if app is None or app in TEST_SUPPORT else LAYERS[app]


def imports(module: str, source: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import anywhere in ``source``, relative
    ones resolved; ``from x import y`` gives ``x.y`` (y may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(path: Path, source: str) -> list[str]:
    module = module_name(path)
    own = app_of(module)
    found = []
    for line, target in imports(module, source, is_package=path.name == "__init__.py"):
        where = f"{path.relative_to(ROOT.parent)}:{line} imports {target}"
        if own == "lib" and target.split(".")[0] == "django":
            found.append(f"{where}: aduan.lib is framework-free")
        if not target.startswith("aduan."):
            continue
        other = app_of(target)
        if own != "demo" and other == "demo":
            found.append(f"{where}: production code never imports the demo")
        elif own not in (None, "demo", other) and layer_of(other) >= layer_of(own):
            found.append(f"{where}: {other or 'the project'} is not below {own}")
    return found


def production_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not is_test(p))


def test_every_app_has_a_layer():
    apps = {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in TEST_SUPPORT
    }
    assert apps == set(LAYERS), "place a new app in LAYERS and in this module's docstring"


def test_no_app_imports_an_app_above_it_and_nothing_imports_the_demo():
    modules = production_modules()
    assert len(modules) > 100  # the walk found the code, not an empty folder
    found = []
    for path in modules:
        found.extend(violations(path, path.read_text(encoding="utf-8")))
    assert found == []


def test_the_check_sees_imports_inside_functions_and_relative_ones():
    # The shapes the layering once had: a function-level import from an app above, a
    # relative import reaching a sibling app, demo data read by production code.
    sweep = ROOT / "deadlines" / "sweep.py"
    source = (
        "def predict(c):\n"
        "    from aduan.triage.suggest import predict_agency\n"
        "    return predict_agency(c)\n"
    )
    assert violations(sweep, source) == [
        "aduan/deadlines/sweep.py:2 imports aduan.triage.suggest.predict_agency: "
        "triage is not below deadlines"
    ]
    assert violations(sweep, "from ..office import views\n") == [
        "aduan/deadlines/sweep.py:1 imports aduan.office.views: office is not below deadlines"
    ]
    mapping = ROOT / "reports" / "mapping.py"
    assert violations(mapping, "from aduan.demo.malang import CITY_BOUNDS\n") == [
        "aduan/reports/mapping.py:1 imports aduan.demo.malang.CITY_BOUNDS: "
        "production code never imports the demo"
    ]
    # Peers do not import each other; going down is fine, and the demo may import all.
    assert violations(mapping, "from aduan.office import views\n") != []
    assert violations(mapping, "from aduan.deadlines.models import Stage\n") == []
    assert violations(ROOT / "demo" / "loader.py", "import aduan.triage.training\n") == []
    assert violations(ROOT / "lib" / "codes.py", "from django.db import models\n") != []
