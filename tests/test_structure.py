"""The package's shape: one-way layers, no import circle, nothing read from outside the package."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES

PKG = REPO / "zyfw_checks"

# Lower number = lower in the stack. A module may import its own layer or lower ones, never higher.
LAYERS = {
    "zyfw_checks": 0, "arrow_pool": 0, "threads": 0, "params": 0, "clauses": 0, "reasons": 0, "style": 0, "formatting": 0, "masking": 0,
    "workdays": 0, "parsing": 0, "errors": 0, "wordsplit": 0, "params_schema": 0,
    "load": 1,
    "registry": 2, "service_time": 2, "staff.identification": 2,
    "rules": 3,
    "engine": 4, "penalties": 4,
    "report": 5, "charts": 5, "templates": 5, "staff": 5,
    "cli": 6, "app": 6,
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(REPO).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, module: str) -> set[str]:
    """Modules of the package imported by ``path`` (module level and inside functions), except under
    ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("zyfw_checks"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = module.rsplit(".", node.level if not path.name == "__init__.py" else node.level - 1)[0]
            found.add(base + (f".{node.module}" if node.module else ""))
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("zyfw_checks")}
    return found


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: {i for i in _imports(p, m) if i in mods and i != m} for m, p in mods.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 2 and ".".join(parts[1:3]) in LAYERS:  # e.g. staff.identification, which the ORG rules read
        return LAYERS[".".join(parts[1:3])]
    return LAYERS[parts[1]] if len(parts) > 1 else LAYERS["zyfw_checks"]


def test_every_module_has_a_layer():
    unknown = sorted({m.split(".")[1] for m in _modules() if "." in m} - set(LAYERS))
    assert not unknown, f"新模块需要在 LAYERS 中写明所在层：{unknown}"


def test_imports_go_down_the_stack_only():
    upward = []
    for mod, deps in _graph().items():
        for dep in deps:
            if dep == "zyfw_checks":
                continue
            if _layer(dep) > _layer(mod):
                upward.append(f"{mod} → {dep}")
    assert not upward, "向上层的导入：" + "；".join(sorted(upward))


def test_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in graph[m]:
            if d in ("zyfw_checks",) or d.startswith(m + "."):
                continue  # a package importing its own submodules (the explicit rule table) is not a circle
            if state.get(d) == 1 and not m.startswith(d + "."):
                cycles.append(" → ".join([*stack[stack.index(d):], d]) if d in stack else f"{m} → {d}")
            elif d not in state:
                visit(d, [*stack, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "导入成环：" + "；".join(cycles)


@pytest.mark.slow
def test_installed_package_checks_a_file_from_another_folder(tmp_path):
    """`pip install .` then `zyfw check` elsewhere: the package carries all it reads (params, notice, data)."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheel_dir), str(REPO)], check=True, capture_output=True)
    site = tmp_path / "site"
    with zipfile.ZipFile(next(wheel_dir.glob("*.whl"))) as zf:
        zf.extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "记录.xlsx").write_bytes((SAMPLES / "problems.xlsx").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-m", "zyfw_checks.cli", "check", "记录.xlsx", "--format", "json"],
                         cwd=work, env=env, capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    assert '"rule_status"' in out.stdout
    rules = subprocess.run([sys.executable, "-m", "zyfw_checks.cli", "rules"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert rules.returncode == 0 and "REC002" in rules.stdout
    assert not any(p.name == "data" and (p / "samples").exists() for p in site.rglob("data"))


STAFF_TOOLS = {"identification", "plan", "risk", "batch", "province_report", "forms"}


def test_staff_tools_live_in_staff_and_the_top_level_keeps_the_core():
    top = {p.stem for p in PKG.glob("*.py")} | {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert not top & STAFF_TOOLS, f"员工工具应放在 zyfw_checks/staff/ 下：{sorted(top & STAFF_TOOLS)}"
    assert STAFF_TOOLS <= {p.stem for p in (PKG / "staff").glob("*.py")}
