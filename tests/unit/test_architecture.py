"""The shape of the code (issue 10): import directions and private names, checked on every run."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "contracts")


def test_import_linter_contracts_are_kept():
    """The contracts in pyproject.toml: kernel <- services <- system, no service imports another, pure
    domains, service layers without entrypoints, contracts without services."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _ours(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in PACKAGES


def private_crossings(source: str, filename: str) -> list[str]:
    """`from ours import _name` and `ours_module._name` (a module of ours imported under an alias)."""
    tree = ast.parse(source, filename)
    aliases: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _ours(node.module):
            for a in node.names:
                if a.name.startswith("_") and not a.name.startswith("__"):
                    found.append(f"{filename}:{node.lineno} imports {node.module}.{a.name}")
                aliases.add(a.asname or a.name)
        elif isinstance(node, ast.Import):
            aliases.update(a.asname or a.name for a in node.names if _ours(a.name))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and node.value.id in aliases):
            found.append(f"{filename}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [x for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             for x in private_crossings(path.read_text(), str(path.relative_to(ROOT)))]
    assert found == []


def test_the_private_name_check_sees_both_forms():
    src = "from services.kernel.http import _default\nfrom services.matcher.service_layer import handlers as h\nh._utc()\n"
    assert len(private_crossings(src, "x.py")) == 2
    assert private_crossings("from typing import _T\nimport os\nos._exit\n", "y.py") == []
