"""The layers stay honest: read every module's imports (AST, nothing is executed) and check
the rules of docs/ARCHITECTURE.md.

- services never reach the web: no `flask.request`/`session`/`g`, no blueprint, no CLI,
  no `inspect_app.web`;
- models import no service (nor anything above them);
- the CLI never imports a blueprint, the web plumbing no blueprint's views, and no
  blueprint another one;
- no two modules import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "inspect_app"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


PATHS = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """What the module imports, as dotted paths: `from a import b` is `a.b` when b is a
    module, else `a` (and `a.b` as well, so that `flask.request` can be named)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                found.add(f"{node.module}.{alias.name}")
                if f"{node.module}.{alias.name}" not in PATHS:
                    found.add(node.module)
    return found


MODULES = {name: imports_of(path) for name, path in PATHS.items()}


def is_registration(package: str, module: str) -> bool:
    """A blueprint package and its own views: `__init__` creates `bp` and imports the views
    that import `bp` back, the Flask idiom; it is the one mutual import allowed."""
    return PATHS[package].name == "__init__.py" and module.startswith(package + ".")


def in_layer(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


def offending(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if in_layer(module, layer)
        for target in targets
        if any(in_layer(target, bad) for bad in forbidden)
    )


def test_the_scan_sees_the_package():
    assert "inspect_app.services.plans" in MODULES
    assert "inspect_app.models" in MODULES["inspect_app.services.plans"] or any(
        in_layer(t, "inspect_app.models") for t in MODULES["inspect_app.services.plans"]
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        (
            "inspect_app.services",
            (
                "flask.request",
                "flask.session",
                "flask.g",
                "flask.flash",
                "inspect_app.blueprints",
                "inspect_app.cli",
                "inspect_app.web",
            ),
        ),
        ("inspect_app.seed", ("flask.request", "inspect_app.blueprints", "inspect_app.web")),
        (
            "inspect_app.models",
            (
                "inspect_app.services",
                "inspect_app.blueprints",
                "inspect_app.cli",
                "inspect_app.web",
            ),
        ),
        ("inspect_app.cli", ("flask.request", "inspect_app.blueprints", "inspect_app.web")),
        ("inspect_app.web", ("inspect_app.cli",)),
    ],
)
def test_layer_imports(layer, forbidden):
    assert offending(layer, forbidden) == []


def test_blueprints_do_not_reach_into_each_other():
    """What two areas share lives in web/, services/ or permissions.py, not in a blueprint."""
    crossing = sorted(
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if in_layer(module, "inspect_app.blueprints")
        for target in targets
        if in_layer(target, "inspect_app.blueprints")
        and target.split(".")[2:3] != module.split(".")[2:3]
    )
    assert crossing == []


def test_web_imports_no_views():
    """The web plumbing may build a blueprint's form (a template global) but not its views."""
    assert [
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if in_layer(module, "inspect_app.web")
        for target in targets
        if in_layer(target, "inspect_app.blueprints") and target.split(".")[3:4] != ["forms"]
    ] == []


def test_no_two_modules_import_each_other():
    cycles = sorted(
        f"{a} <-> {b}"
        for a, targets in MODULES.items()
        for b in MODULES
        if a < b
        and b in targets
        and a in MODULES[b]
        and not is_registration(a, b)
        and not is_registration(b, a)
    )
    assert cycles == []
