#!/usr/bin/env bash
# 安装一切并启动自查应用（已载入自带的示例数据），在本机打开打印出的地址即可。
#   bash scripts/start.sh          # http://127.0.0.1:8866/
#   bash scripts/start.sh 9000     # 换一个端口
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export ZYFW_APP_SAMPLE=1
exec bash scripts/run_app.sh "${1:-8866}"
