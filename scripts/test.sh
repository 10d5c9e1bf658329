#!/usr/bin/env bash
# 安装一切并运行全部测试（代码风格检查、单元测试、书的构建、浏览器测试）。CI 运行的就是这个命令。
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
mkdir -p artifacts
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
