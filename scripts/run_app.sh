#!/usr/bin/env bash
# Start the self-check app (志愿服务记录自查) with Voilà on this computer only.
#
#   scripts/run_app.sh            # http://127.0.0.1:8866/
#   scripts/run_app.sh 9000       # another port
#   scripts/run_app.sh 9000 plan  # the staff spot-check planner (notebooks/spot_check_plan.ipynb)
#   scripts/run_app.sh 8866 self_check --ZyfwService.max_sessions=30   # any further server setting
#   ZYFW_APP_IP=10.0.0.11 scripts/run_app.sh   # listen on a private address (several machines behind a proxy)
#   ZYFW_APP_HOSTS=zicha.example.org scripts/run_app.sh   # the public name a proxy forwards (others get 400)
#
# Safety settings: only the one app notebook is served (no file tree, no other notebooks, no files
# from the folder), source code is stripped from the page, tracebacks are never shown, the kernel
# accepts only widget messages from the page (no code can be sent to it), a page's kernel ends within
# seconds after the page is closed, cleared or disconnected, and uploads are processed in memory.
# A page's kernel answers only the browser that page was given to (an HttpOnly cookie), over the v1
# kernel protocol, and only with widget messages; see zyfw_checks/app/serve.py.
# Capacity (pages at once, checks at once, memory and time per check) is set in
# zyfw_checks/app/config/voila.py and enforced by zyfw_checks/app/serve.py (Voilà plus those rules).
# To serve several users, run this behind a reverse proxy with HTTPS (deploy/nginx/zyfw-app.conf, started
# by deploy/systemd/zyfw-app.service) and keep --Voila.ip=127.0.0.1 so only the proxy reaches it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${1:-8866}"
WHICH="${2:-self_check}"
case "$WHICH" in
  self_check|check) NOTEBOOK="$HERE/notebooks/self_check.ipynb" ;;
  plan|spot_check_plan) NOTEBOOK="$HERE/notebooks/spot_check_plan.ipynb" ;;
  *) echo "不认识的应用：$WHICH（可选 self_check 或 plan）" >&2; exit 2 ;;
esac
if ! [[ "$PORT" =~ ^[0-9]+$ ]]; then
  echo "端口应为数字，例如：scripts/run_app.sh 8866" >&2
  exit 2
fi
if [ ! -f "$NOTEBOOK" ]; then
  echo "找不到 $NOTEBOOK" >&2
  exit 2
fi

VENV="${ZYFW_VENV:-$HERE/.venv}"
if [ -x "$VENV/bin/voila" ]; then
  export PATH="$VENV/bin:$PATH"
fi
if ! python -c 'import voila' >/dev/null 2>&1; then
  echo "找不到 voila。请先安装：pip install -e '.[app]'" >&2
  exit 2
fi

MAX_MB="$(python -c 'from zyfw_checks.params import threshold; print(int(float(threshold("max_upload_mb"))))')"

# Our Voilà template (no CDN requests) lives in the package; the other safety settings are in zyfw_checks/app/config/voila.py.
export JUPYTER_PATH="$HERE/zyfw_checks/app/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

echo "志愿服务自查应用：http://127.0.0.1:${PORT}/"
echo "（在浏览器中打开上面的地址；按 Ctrl+C 停止。上传文件不超过 ${MAX_MB} MB。）"

cd "$HERE"
exec python -m zyfw_checks.app.serve "$NOTEBOOK" \
  --Voila.config_file_paths="$HERE/zyfw_checks/app/config" \
  --no-browser \
  --port="$PORT" \
  --Voila.ip="${ZYFW_APP_IP:-127.0.0.1}" \
  --Voila.open_browser=False \
  --theme=light \
  --Voila.log_level=WARN \
  "${@:3}"
