"""Sphinx tweaks for the evidence book's HTML: accessibility and no dead JavaScript.

Loaded by Jupyter Book through ``sphinx.extra_extensions`` in ``_config.yml`` (it is not part
of the analysis; it only shapes the HTML). It

* drops sphinx-thebe's page scripts (live code is switched off in this book; the extension,
  which Jupyter Book always loads, declares its configuration twice per page, a JavaScript
  error in every reader's console, and points at a script on unpkg.com);
* puts ``templates/`` first on the template path, overriding two theme components whose
  accessible names did not match their visible text (WCAG 2.5.3, axe
  ``label-content-name-mismatch``): the search button and the colour-mode switch;
* links the first use of each glossary term on every page to its glossary entry
  (:mod:`.glossary_links`; configured by the build from ``book/glossary.yml``).

See docs/accessibility.md.
"""

from __future__ import annotations

from pathlib import Path

from . import glossary_links

TEMPLATES = Path(__file__).with_name("templates")


def _templates_first(app, config) -> None:
    path = str(TEMPLATES)
    if path not in config.templates_path:
        config.templates_path.insert(0, path)


def setup(app):
    app.setup_extension("sphinx_thebe")
    for event in ("env-before-read-docs", "doctree-resolved"):
        for listener in list(app.events.listeners.get(event, [])):
            handler = listener.handler
            if getattr(handler, "__module__", "") == "sphinx_thebe" and handler.__name__ in (
                "init_thebe_core",
                "update_thebe_context",
            ):
                app.disconnect(listener.id)
    app.connect("config-inited", _templates_first)
    glossary_links.setup(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
