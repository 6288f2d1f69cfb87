#!/usr/bin/env bash
# The test command (what `make test` and .ci/run run): the checks of .pre-commit-config.yaml on
# every file (ruff check, ruff format --check, the package layers, notebooks stored clean and
# paired, the workflow), then pytest. pytest's summary line is kept in the output; a run that
# collects no tests fails; the run fails if either step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export MPLBACKEND=Agg
mkdir -p ci-artifacts
set +e
echo "== checks (pre-commit run --all-files)"
.venv/bin/pre-commit run --all-files --show-diff-on-failure --color never
checks=$?
echo "== tests (pytest)"
.venv/bin/python -m pytest -n 2 --dist loadgroup -q -ra --durations=15 "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then echo "No tests were collected: failing." >&2; exit 1; fi
if [ "$checks" != 0 ]; then echo "The checks of .pre-commit-config.yaml failed (see above)." >&2; exit 1; fi
exit "$rc"
