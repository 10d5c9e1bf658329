"""``zyfw app`` (自查应用) and ``zyfw app --plan`` (抽查计划): the Voilà app from the installed package.

The notebooks (``zyfw_checks/app/notebooks/``), the page template (``zyfw_checks/app/jupyter/``) and the
server settings (``zyfw_checks/app/config/``) are package data, so an installed wheel serves the app with
nothing else. The server is started exactly as ``scripts/run_app.sh`` starts it: ``python -m
zyfw_checks.app.serve NOTEBOOK --Voila.config_file_paths=...`` with the template folder first on
``JUPYTER_PATH``; on POSIX the process becomes the server (``exec``, as the script does), elsewhere it
runs it as a child. The server's own settings and rules stay in ``app/serve.py``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from zyfw_checks.cli._io import EXIT_BAD_INPUT, _err

APPS = {"self_check": "self_check.ipynb", "plan": "spot_check_plan.ipynb"}


def app_dir() -> Path:
    """The installed ``zyfw_checks/app`` folder (notebooks, template and config live under it)."""
    spec = importlib.util.find_spec("zyfw_checks.app")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("zyfw_checks.app is not importable")
    return Path(next(iter(spec.submodule_search_locations)))


def notebook_path(which: str = "self_check") -> Path:
    return app_dir() / "notebooks" / APPS[which]


def server_command(which: str = "self_check", port: int = 8866, ip: str = "127.0.0.1",
                   extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that start the app's server (the same as scripts/run_app.sh)."""
    here = app_dir()
    env = dict(os.environ)
    jupyter = str(here / "jupyter")
    env["JUPYTER_PATH"] = jupyter + (os.pathsep + env["JUPYTER_PATH"] if env.get("JUPYTER_PATH") else "")
    argv = [
        sys.executable, "-m", "zyfw_checks.app.serve", str(notebook_path(which)),
        f"--Voila.config_file_paths={here / 'config'}",
        "--no-browser",
        f"--port={int(port)}",
        f"--Voila.ip={ip}",
        "--Voila.open_browser=False",
        "--theme=light",
        "--Voila.log_level=WARN",
        *(extra or []),
    ]
    return argv, env


def cmd_app(args) -> int:
    which = "plan" if args.plan else "self_check"
    if importlib.util.find_spec("voila") is None:
        _err("找不到 voila，无法启动应用。请先安装应用所需的软件包：pip install 'zyfw_checks[app]'")
        return EXIT_BAD_INPUT
    nb = notebook_path(which)
    if not nb.is_file():
        _err(f"安装不完整：找不到应用文件 {nb}。请重新安装本工具包。")
        return EXIT_BAD_INPUT
    if not 0 < args.port < 65536:
        _err(f"端口应为 1 到 65535 之间的数字，收到的是 {args.port}。")
        return EXIT_BAD_INPUT
    from zyfw_checks.app.compat import AppCompatError, check_private_apis
    from zyfw_checks.params import threshold

    try:  # the attributes the server's reaper relies on (the deletion promise): refuse to start without them
        check_private_apis()
    except AppCompatError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT

    ip = args.ip or os.environ.get("ZYFW_APP_IP") or "127.0.0.1"
    argv, env = server_command(which, args.port, ip, list(args.server_args or []))
    name = "抽查计划" if args.plan else "志愿服务自查应用"
    host = "127.0.0.1" if ip in ("0.0.0.0", "::") else ip
    _err(f"{name}：http://{host}:{args.port}/")
    _err(f"（在浏览器中打开上面的地址；按 Ctrl+C 停止。上传文件不超过 {int(float(threshold('max_upload_mb')))} MB。）")
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":  # become the server (as run_app.sh's exec): a stop signal reaches it directly
        os.execve(argv[0], argv, env)
    try:  # pragma: no cover - Windows
        return subprocess.call(argv, env=env)
    except KeyboardInterrupt:  # the server got the same Ctrl+C and stops by itself
        return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("app", help="启动自查应用（浏览器中使用；--plan 为抽查计划）",
                       description="在本机启动自查应用（Voilà）。默认只在本机 127.0.0.1 上可用。")
    p.add_argument("--plan", action="store_true", help="启动抽查计划应用（工作人员用），而不是记录自查")
    p.add_argument("--port", type=int, default=8866, help="端口（默认 8866）")
    p.add_argument("--ip", default=None, help="监听地址（默认 127.0.0.1，或环境变量 ZYFW_APP_IP）")
    p.add_argument("server_args", nargs="*", metavar="服务器设置",
                   help="其余服务器设置，原样传给服务器，例如 --ZyfwService.max_sessions=30（前面加 --）")
    p.set_defaults(func=cmd_app)
