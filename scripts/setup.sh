#!/usr/bin/env bash
# 一次装好所需的一切（可重复运行）：Debian 软件包（Chromium、中文字体）、.venv 虚拟环境和本工具包。
# Sets up a fresh Debian machine: system packages, .venv at the repo root, the kit with all extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# --- Debian packages: Chromium for browser tests, Noto CJK so charts and pages show Chinese,
#     LibreOffice Writer and Calc (headless) to check that generated .docx and .xlsx files open and render.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)
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
stamp=.venv/.zyfw-setup
want="$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "安装 Python 依赖到 .venv/ ……"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  cons=(); [ -f constraints.txt ] && cons=(-c constraints.txt)
  .venv/bin/python -m pip install -q "${cons[@]}" -e ".[app,book,test,batch,cluster]"
  echo "$want" > "$stamp"
fi
