#!/usr/bin/env bash
# Build the annotated guide (book/) offline into book/_build/html, with warnings as errors.
#
#   bash scripts/build_book.sh          # incremental: cached page execution
#   bash scripts/build_book.sh --all    # rebuild every page from scratch
#   bash scripts/build_book.sh --public # for publishing: stops if the app address is a localhost address
#
# Page code is executed at build time and cached; book/_ext/zyfw_book.py clears that cache
# whenever zyfw_checks/ or data/ change, so the rule reference and examples are never stale.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -x "$ROOT/.venv/bin/jupyter-book" ]]; then
  BIN="$ROOT/.venv/bin"
else
  BIN="$(dirname "$(command -v jupyter-book || echo /usr/bin/jupyter-book)")"
fi
export PATH="$BIN:$PATH"
command -v jupyter-book >/dev/null || { echo "找不到 jupyter-book：请先 pip install -e '.[book]'" >&2; exit 2; }

# Offline: nothing in the build may reach the network.
export PYTHONUNBUFFERED=1 PIP_NO_INDEX=1 HF_HUB_OFFLINE=1 NO_PROXY='*'
export JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1

extra=()
for arg in "$@"; do
  case "$arg" in
    --all) extra+=(--all); rm -rf book/_build/.jupyter_cache book/_build/.doctrees ;;
    --public) export ZYFW_PUBLIC_BUILD=1 ;;
    *) echo "未知选项：$arg（可用 --all、--public）" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
jupyter-book build book --builder html -W -n --keep-going "${extra[@]}"
echo "指南已生成：book/_build/html/index.html（用时 $(( $(date +%s) - start )) 秒）"
