#!/usr/bin/env bash
# Starts (or stops) a throwaway S3-protocol server for the test suite and benchmarks: s3rver (npm,
# pinned in scripts/s3rver/package-lock.json, installed here on first use), on loopback, keeping its
# objects under a folder of its own. It checks SigV4 signatures (access key and secret both S3RVER)
# and speaks multipart uploads, ranged and conditional GETs. Prints the endpoint URL on start.
#   scripts/s3.sh start DIR [PORT]   scripts/s3.sh stop DIR
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?folder}"; port="${3:-54568}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$cmd" in
  start)
    if [ ! -x "$here/s3rver/node_modules/.bin/s3rver" ]; then
      command -v npm >/dev/null || { echo "npm not found (apt-get install npm)" >&2; exit 1; }
      (cd "$here/s3rver" && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
    mkdir -p "$dir/objects"
    nohup "$here/s3rver/node_modules/.bin/s3rver" -d "$dir/objects" -a 127.0.0.1 -p "$port" --silent \
      >"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "s3rver did not start on port $port; its log:" >&2
    cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; rm -f "$dir/pid"; fi
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
