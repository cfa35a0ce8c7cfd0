#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need (PostgreSQL,
# Chromium, pycocotools, the S3 server), builds, starts a throwaway PostgreSQL and S3 server, runs the .NET suites against
# SQLite and PostgreSQL and the browser suite, and stops PostgreSQL again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# npm installs the test S3 server (scripts/s3.sh); the web suite needs it too.
command -v npm >/dev/null 2>&1 || need+=(npm)
# ffmpeg: the server makes videos' scrub proxies with it, and the proxy tests make their video with it.
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
if [ -d web ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # Chinese text in the browser suite's screenshots renders as boxes without a CJK font.
  fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
fi
# Debian packages no pycocotools (bookworm, trixie and sid checked 2026-11-30); where a machine or a
# later release has it, the COCO test loads exports with it, else with its stand-in reader.
python3 -c "import pycocotools" >/dev/null 2>&1 || want_coco=1
if [ ${#need[@]} -gt 0 ] || [ -n "${want_coco:-}" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  if [ -n "${want_coco:-}" ] && apt-cache policy python3-pycocotools 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    need+=(python3-pycocotools)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    echo "test: installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

webout="$(mktemp -d /tmp/yz-test-web.XXXXXX)"
pgdir="$(mktemp -d /tmp/yz-test-pg.XXXXXX)"
s3dir="$(mktemp -d /tmp/yz-test-s3.XXXXXX)"
trap 'scripts/postgres.sh stop "$pgdir"; scripts/s3.sh stop "$s3dir"; rm -rf "$pgdir" "$s3dir" "$webout"' EXIT
# Each service on a free port below Linux's ephemeral range (32768 and up), where the suite's own
# loopback connections could hold it; a few tries, and a clear stop with its log if it cannot start.
start_service() { # NAME SCRIPT DIR: prints what SCRIPT start prints (the address)
  local out
  for _ in 1 2 3 4 5; do
    if out="$("$2" start "$3" $(( 20000 + RANDOM % 12000 )))"; then echo "$out"; return 0; fi
  done
  echo "test.sh: $1 did not start; its log:" >&2
  cat "$3/server.log" >&2 || true
  return 1
}
YZ_TEST_POSTGRES="$(start_service PostgreSQL scripts/postgres.sh "$pgdir")"
export YZ_TEST_POSTGRES
# The S3-protocol server the blob-store tests run against (s3rver from npm, installed by s3.sh itself).
YZ_TEST_S3="$(start_service "the S3 server" scripts/s3.sh "$s3dir")"
export YZ_TEST_S3

# A failing suite marks the run failed but does not stop it: every suite runs and the summary is printed.
status=0
if [ -f web/package.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm run lint && npm test) 2>&1 | tee "$webout/unit.log" || status=$?
  # The browser suite: Debian's Chromium (installed above) against a real server on loopback.
  (cd web && npm run e2e) 2>&1 | tee "$webout/e2e.log" || status=$?
fi

# The pre-annotation models' weights (npm, pinned): the server's build copies them to its output.
scripts/models.sh
results="$(mktemp -d /tmp/yz-test-results.XXXXXX)"
dotnet test Yunzhong.slnx -c Release --nologo --logger "trx;LogFilePrefix=yz" --results-directory "$results" "$@" || status=$?

# One plain summary line over all suites, for people and CI alike.
python3 - "$results" "$webout" <<'PY'
import glob, re, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")); s += int(c.get("notExecuted"))
# vitest ("Tests  44 passed (44)") and Playwright ("33 passed (1.7m)", "2 failed") summaries.
for path in glob.glob(sys.argv[2] + "/*.log"):
    text = re.sub(r"\x1b\[[0-9;]*m", "", open(path, encoding="utf-8", errors="replace").read())
    tail = text[-4000:]
    counts = {k: 0 for k in ("passed", "failed", "skipped")}
    for n, word in re.findall(r"\b(\d+) (passed|failed|skipped)\b", tail):
        counts[word] = max(counts[word], int(n))
    p += counts["passed"]; f += counts["failed"]; s += counts["skipped"]
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
rm -rf "$results"
exit $status
