#!/usr/bin/env bash
# 一次装好所需的一切（可重复运行）：Debian 软件包（Chromium、中文字体）、.venv 虚拟环境和本工具包。
# Sets up a fresh Debian machine: system packages, .venv at the repo root, the kit with all extras.
#   bash scripts/setup.sh            # developer: everything, tests included
#   bash scripts/setup.sh --server   # a server: the kit and the app only (Python part; see below)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHAT=dev
[ "${1:-}" = --server ] && WHAT=server

# --- Debian packages: Chromium for browser tests, Noto CJK so charts and pages show Chinese,
#     LibreOffice Writer and Calc (headless) to check that generated .docx and .xlsx files open and render,
#     nginx for the deployment test (tests/security/test_nginx.py runs deploy/nginx/zyfw-app.conf).
need=()
if [ "$WHAT" = dev ]; then  # browser and document tests only; a server needs the fonts alone
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
fi
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null; then
    echo "提示：请先安装系统软件包：${need[*]}（浏览器测试与中文图表需要）。" >&2
  else
    echo "安装系统软件包：${need[*]} ……"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

# --- Python >= 3.11 and the virtual environment in .venv/
PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更新版本（当前：$("$PY" --version)）。" >&2; exit 2; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv

# Reinstall only when the declared dependencies changed.
# Developers get every extra and the test/dev dependency groups (PEP 735, pip >= 25.1: --group);
# `scripts/setup.sh --server` installs only what serving the app needs (no book, no tests, no tools).
if [ "$WHAT" = server ]; then spec=".[app]"; groups=(); else spec=".[app,book,batch,cluster]"; groups=(--group dev); fi
stamp=.venv/.zyfw-setup
want="$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -d' ' -f1) $WHAT"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "安装 Python 依赖到 .venv/ ……"
  .venv/bin/python -m pip install -q --upgrade "pip>=25.1" "setuptools>=77" >/dev/null  # setuptools: PEP 639 licence metadata (wheel tests build without isolation)
  cons=(); [ -f constraints.txt ] && cons=(-c constraints.txt)
  .venv/bin/python -m pip install -q "${cons[@]}" -e "$spec" "${groups[@]}"
  echo "$want" > "$stamp"
fi

# --- axe-core (the accessibility rules of tests/test_a11y.py, WCAG 2.0 A/AA) from the npm registry, kept in
#     .venv/share/axe/: the browser tests inject it from there and never download anything while they run.
AXE_VERSION=4.10.3
if [ "$(cat .venv/share/axe/VERSION 2>/dev/null)" != "$AXE_VERSION" ]; then
  if command -v npm >/dev/null; then
    echo "安装 axe-core $AXE_VERSION（无障碍检查）到 .venv/share/axe/ ……"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf "axe-core-$AXE_VERSION.tgz")
    mkdir -p .venv/share/axe
    cp "$tmp/package/axe.min.js" .venv/share/axe/axe.min.js
    echo "$AXE_VERSION" > .venv/share/axe/VERSION
    rm -rf "$tmp"
  else
    echo "提示：没有 npm，无法安装 axe-core；无障碍测试（tests/test_a11y.py）将跳过。" >&2
  fi
fi
