"""``python -m analysis``: a rebuild with nothing changed is answered before the package's heavy
imports (:mod:`analysis.quickcheck`); everything else goes to :mod:`analysis.cli`."""

from __future__ import annotations

import sys


def run(argv: list[str] | None = None) -> int:
    from .quickcheck import up_to_date

    argv = sys.argv[1:] if argv is None else argv
    target = up_to_date(argv)
    if target is not None:
        print(
            "Nothing changed since the last build of this book: it is up to date.\n"
            f"The book is at {target.absolute() / 'index.html'}",
            flush=True,
        )
        return 0
    from .cli import main

    return main(argv)


if __name__ == "__main__":
    raise SystemExit(run())
