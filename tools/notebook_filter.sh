#!/usr/bin/env bash
# Configure git, in this clone, to store notebooks/*.ipynb without what running them in Jupyter
# adds: outputs, execution counts, timings and the kernel's language details (nbstripout as a
# git "clean" filter; .gitattributes names the files). A notebook run and saved in Jupyter then
# shows no change in `git status` unless its cells changed. Run by `make setup`; idempotent.
#
# Cell ids are kept (--keep-id): the committed notebooks have random ids, which nbstripout
# would otherwise renumber. The filter runs from the top of the working tree, so the relative
# path finds this clone's own .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
git rev-parse --git-dir >/dev/null 2>&1 || exit 0  # not a git checkout: nothing to configure
PY="${PY:-.venv/bin/python}"
git config filter.nbstripout.clean "$PY -m nbstripout --keep-id"
git config filter.nbstripout.smudge cat
git config filter.nbstripout.extrakeys "metadata.jupytext metadata.language_info.codemirror_mode \
metadata.language_info.file_extension metadata.language_info.mimetype \
metadata.language_info.nbconvert_exporter metadata.language_info.pygments_lexer \
metadata.language_info.version metadata.vscode"
git config diff.ipynb.textconv "$PY -m nbstripout --keep-id -t"
