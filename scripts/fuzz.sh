#!/usr/bin/env bash
# Fuzzes every parser that takes user input (docs/fuzzing.md).
#   scripts/fuzz.sh [SECONDS] [TARGET] [-- more options: --seed S, --out DIR, --no-scaling, --replay FILE]
# SECONDS per target (default 60); TARGET one of jsonl json csv tsv labelstudio schema xml annotation
# media zip (default all). Reproducers land in artifacts/fuzz/<target>/; exit 1 when anything failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"; [ $# -gt 0 ] && shift
args=(--seconds "$seconds")
if [ $# -gt 0 ] && [ "$1" != "--" ]; then args+=(--target "$1"); shift; fi
[ "${1:-}" = "--" ] && shift
out="$root/artifacts/fuzz-build"
dotnet build "$root/tests/Yunzhong.Fuzz/Yunzhong.Fuzz.csproj" -c Release -o "$out" --nologo -v quiet -clp:ErrorsOnly >&2
exec dotnet "$out/Yunzhong.Fuzz.dll" "${args[@]}" "$@"
