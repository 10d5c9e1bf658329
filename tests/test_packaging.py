"""The kit as an IT department installs it: the wheel, its metadata, `zyfw app` from a fresh venv, a core
without the app's packages, the one home of the notebooks and of the version."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import sysconfig
import textwrap
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES

PKG = REPO / "zyfw_checks"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(out), str(REPO)], check=True, capture_output=True)
    return next(out.glob("zyfw_checks-*.whl"))


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(zf.read(name))


@pytest.mark.slow
def test_wheel_carries_the_app_the_licence_and_the_version(wheel):
    from zyfw_checks import __version__

    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry = zf.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    for nb in ("self_check.ipynb", "spot_check_plan.ipynb"):
        assert f"zyfw_checks/app/notebooks/{nb}" in names
    assert "zyfw_checks/app/jupyter/voila/templates/zyfw/index.html.j2" in names
    assert "zyfw_checks/app/jupyter/voila/templates/zyfw/conf.json" in names
    assert "zyfw_checks/app/config/voila.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "zyfw = zyfw_checks.cli:entry" in entry
    meta = _metadata(wheel)
    assert meta["Version"] == __version__ and wheel.name.startswith(f"zyfw_checks-{__version__}-")
    assert meta["License-Expression"] == "MIT"


def test_core_dependencies_leave_out_what_the_command_line_does_not_import():
    core = {d.split(">")[0].split("<")[0].split("=")[0].strip().lower() for d in PYPROJECT["project"]["dependencies"]}
    assert not core & {"matplotlib", "ipywidgets", "voila", "ipykernel", "openpyxl", "python-stdnum", "faker", "xlrd"}
    extras = PYPROJECT["project"]["optional-dependencies"]
    app = " ".join(extras["app"])
    assert {"voila", "ipykernel", "ipywidgets", "matplotlib", "jupyter_server"} <= {
        d.split(">")[0].split("<")[0].strip() for d in extras["app"]}
    assert "<" in app.split("voila")[1].split(",")[1] and "jupyter_server>=2.4,<3" in extras["app"]
    assert "duckdb" in " ".join(extras["batch"])
    assert "test" not in extras  # tests and tools are PEP 735 dependency groups
    assert any(str(d).startswith("pytest") for d in PYPROJECT["dependency-groups"]["test"])


def test_xlrd_is_used_nowhere():
    used = [p for p in [*PKG.rglob("*.py"), *(REPO / "tools").rglob("*.py")]
            if "import xlrd" in p.read_text(encoding="utf-8") or "engine=\"xlrd\"" in p.read_text(encoding="utf-8")]
    assert not used
    assert "xlrd" not in (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert not any(line.lower().startswith("xlrd==") for line in (REPO / "constraints.txt").read_text().splitlines())


def test_chinesecalendar_floor_covers_this_year():
    import datetime as dt

    import chinese_calendar

    floor = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("chinesecalendar"))
    assert floor == "chinesecalendar>=1.11"  # 1.11.0 (2025-11) is the first release with the 2026 holidays
    chinese_calendar.is_workday(dt.date(dt.date.today().year, 12, 31))  # raises past its data


def test_the_notebooks_have_one_home_in_the_package():
    """zyfw_checks/app/notebooks/ is the real copy (the wheel serves it); notebooks/ is there for developers
    and must be the same file (a link; a checkout without links must be a byte-equal copy)."""
    pkg = sorted((PKG / "app" / "notebooks").glob("*.ipynb"))
    top = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert [p.name for p in pkg] == [p.name for p in top] and pkg
    for a, b in zip(pkg, top, strict=True):
        assert b.read_bytes() == a.read_bytes(), f"notebooks/{b.name} 与包里的 {a.name} 不同：只改包里的那一份"


def test_license_file_and_metadata():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY" in text
    assert PYPROJECT["project"]["license"] == "MIT" and PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_version_has_one_home_and_the_changelog_names_it():
    from zyfw_checks import __version__

    assert PYPROJECT["project"]["dynamic"] == ["version"] and "version" not in PYPROJECT["project"]
    assert f"## {__version__} " in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


BLOCKER = textwrap.dedent("""
    import sys
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("matplotlib", "ipywidgets", "voila", "ipykernel", "openpyxl", "jupyter_server"):
                raise ImportError(f"blocked: {name}")
            return None
    sys.meta_path.insert(0, Block())
""")


def test_core_runs_without_the_app_packages(tmp_path):
    """`zyfw check` and `zyfw rules` with matplotlib, ipywidgets, Voilà, openpyxl blocked from import."""
    code = BLOCKER + textwrap.dedent(f"""
        import zyfw_checks.engine, zyfw_checks.report
        from zyfw_checks.cli import main
        rc = main(["check", {str(SAMPLES / "problems.xlsx")!r}, "--format", "json", "-o", {str(tmp_path / "r.json")!r}])
        assert rc in (0, 1), rc
        assert main(["rules"]) == 0
        print("CORE-OK")
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0 and "CORE-OK" in out.stdout, out.stderr[-2000:]
    assert (tmp_path / "r.json").stat().st_size > 0


def test_the_blocker_does_block(tmp_path):
    out = subprocess.run([sys.executable, "-c", BLOCKER + "import matplotlib"], capture_output=True, text=True)
    assert out.returncode != 0 and "blocked: matplotlib" in out.stderr


def test_importing_the_engine_keeps_the_arrow_pool():
    code = ("import pyarrow as pa; before = pa.default_memory_pool().backend_name; import zyfw_checks.engine; "
            "print(before == pa.default_memory_pool().backend_name)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.stdout.strip() != "True":
        pytest.xfail("engine.py still calls use_reusing_pool() at import (the lead's one-line change)")


def test_ensure_reusing_pool_chooses_once():
    code = ("import pyarrow as pa\nfrom zyfw_checks.arrow_pool import ensure_reusing_pool\n"
            "first = ensure_reusing_pool()\npa.set_memory_pool(pa.system_memory_pool())\n"
            "ensure_reusing_pool()\nprint(first, pa.default_memory_pool().backend_name)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    first, now = out.stdout.split()
    assert first in ("jemalloc", "mimalloc", "system") and now == "system"  # the second call left the program's own choice alone


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_serves_the_app(wheel, tmp_path):
    """A fresh venv with only the wheel (its dependencies reached from the kit's venv by a path entry, not
    the repository): `zyfw app` serves the self-check page from package data."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH")}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=env)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True, env=env).stdout.strip())
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # after the venv's own packages
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, env=env)
    where = subprocess.run([str(py), "-c", "import zyfw_checks; print(zyfw_checks.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.returncode == 0, where.stderr
    where = where.stdout
    assert str(site) in where and str(REPO) not in where  # the wheel's copy, not the repository
    port = _free_port()
    # The dependencies' own data files (Voilà's base templates in <prefix>/share/jupyter), which pip would
    # put into the fresh venv's prefix; the kit's template must come from the wheel (zyfw app adds it).
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(venv / "bin" / "zyfw"), "app", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        page = ""
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as r:
                    page = r.read().decode("utf-8", "replace")
                    break
            except OSError:
                time.sleep(0.5)
        assert page, (tmp_path / "server.log").read_text()[-3000:]
        assert "志愿服务" in page
        assert "zy-client-msg" in page  # our template (zyfw/index.html.j2), found through package data
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_compat_check_names_a_missing_private_attribute():
    from zyfw_checks.app import compat

    assert compat.missing_private_apis() == []  # the installed jupyter_server and Voilà have them all

    class Renamed:  # a kernel manager of a release that renamed two of them
        _kernel_connections: dict = {}

    missing = compat.missing_private_apis(Renamed())
    assert [m[2] for m in missing] == ["notebook_data", "get_rendered_notebook"]
    with pytest.raises(compat.AppCompatError) as info:
        compat.check_private_apis(Renamed())
    assert "VoilaKernelManager.notebook_data" in str(info.value) and "get_rendered_notebook" in str(info.value)
    assert "无法启动" in str(info.value)


def test_zyfw_app_refuses_to_start_when_an_attribute_is_missing(monkeypatch, capsys):
    import argparse

    from zyfw_checks.app import compat
    from zyfw_checks.cli import app

    monkeypatch.setattr(compat, "missing_private_apis", lambda km=None: [compat.PRIVATE_APIS[0]])
    started = []
    monkeypatch.setattr(app.os, "execve", lambda *a: started.append(a))
    monkeypatch.setattr(app.subprocess, "call", lambda *a, **k: started.append(a))
    rc = app.cmd_app(argparse.Namespace(plan=False, port=8866, ip=None, server_args=[]))
    assert rc == 2 and not started and "_kernel_connections" in capsys.readouterr().err


def test_zyfw_app_starts_the_server_as_the_script_does():
    from zyfw_checks.cli import app

    argv, env = app.server_command("plan", 9001, "127.0.0.1", ["--ZyfwService.max_sessions=3"])
    assert argv[1:4] == ["-m", "zyfw_checks.app.serve", str(PKG / "app" / "notebooks" / "spot_check_plan.ipynb")]
    assert f"--Voila.config_file_paths={PKG / 'app' / 'config'}" in argv and "--port=9001" in argv
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(PKG / "app" / "jupyter")
    script = (REPO / "scripts" / "run_app.sh").read_text(encoding="utf-8")
    for flag in ("--no-browser", "--Voila.open_browser=False", "--theme=light", "--Voila.log_level=WARN"):
        assert flag in argv and flag in script  # the same server settings as scripts/run_app.sh
    assert argv[-1] == "--ZyfwService.max_sessions=3"


def test_version_and_verbosity_options():
    import argparse
    import io
    import logging

    from zyfw_checks import __version__
    from zyfw_checks.cli import options

    p = argparse.ArgumentParser(prog="zyfw")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("check").add_argument("file")
    options.add_global_options(p)
    with pytest.raises(SystemExit):
        p.parse_args(["--version"])
    assert __version__ in options.version_text()
    levels = {tuple(a): options.level(p.parse_args(a)) for a in (
        ["check", "f"], ["-v", "check", "f"], ["check", "f", "-v"], ["check", "f", "-vv"], ["-q", "check", "f"],
        ["check", "f", "-q"])}
    assert list(levels.values()) == [logging.WARNING, logging.INFO, logging.INFO, logging.DEBUG, logging.ERROR,
                                     logging.ERROR]
    out = io.StringIO()
    log = logging.getLogger("zyfw_checks")
    try:
        options.apply(p.parse_args(["check", "f", "-v"]), stream=out)
        logging.getLogger("zyfw_checks.load").info("读取中")
        logging.getLogger("zyfw_checks.load").debug("细节")
        assert out.getvalue() == "读取中\n"
        options.apply(p.parse_args(["check", "f", "-q"]), stream=out)
        log.warning("提示")
        assert "提示" not in out.getvalue() and len([h for h in log.handlers if getattr(h, "_zyfw", False)]) == 1
    finally:
        for h in [h for h in log.handlers if getattr(h, "_zyfw", False)]:
            log.removeHandler(h)
        log.setLevel(logging.NOTSET)
