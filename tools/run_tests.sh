#!/usr/bin/env bash
# The test command (what `make test` and .ci/run run). pytest's summary line is kept in the
# output; a run that collects no tests fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
mkdir -p ci-artifacts
set +e
.venv/bin/python -m pytest -n 2 --dist loadgroup -q -ra --durations=15 "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "No tests were collected: failing." >&2; exit 1; fi
exit "$rc"
