"""Link the first use of each glossary term on a page to its entry on the glossary page.

Nobody marks terms by hand: a read-time transform finds, in each page's prose, the first
occurrence of every term (or one of its other forms, or its plural with -s) and wraps it in the
same cross-reference the ``{term}`` role makes, so Sphinx resolves it to the glossary entry's
anchor (``glossary.html#term-SII``) and fails the ``-W`` build if the entry is missing.

What is left alone: headings (page, section and box titles), links, code, maths, tables
(numbers and dataset names), figures and their captions, raw HTML (the chapters' figures and
tables), the glossary's own terms, and the glossary page itself. A term already linked on the
page by a ``{term}`` role is not linked again.

Configuration (``conf.py`` / Jupyter Book ``sphinx.config``), written by the build from
``book/glossary.yml`` (:func:`analysis.frontmatter.glossary_link_config`)::

    glossary_links = {"page": "glossary", "terms": {"SII": ["SII", "slope index of inequality"],
                                                    "NHS trust": {"forms": ["NHS trust", "trust"], "exact": True}}}

Matching: the first letter of a form in either case ("Funnel plot" matches "funnel plot"), the
rest exactly as written, so acronyms match in capitals only ("IMD", never "imd"); with
``exact``, the whole form exactly as written (so "trust" is not the "Trust" of an organisation's
name); whole words only, where a hyphen also joins words (so "ICB" in "sub-ICB" is not the term
ICB); an optional plural "s". Where forms overlap, the longest wins ("Core20PLUS5" before
"Core20").
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

#: Nodes whose text is never linked (see the module docstring for why each).
SKIP = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.reference,
    addnodes.pending_xref,
    nodes.literal,
    nodes.literal_block,
    nodes.doctest_block,
    nodes.raw,
    nodes.math,
    nodes.math_block,
    nodes.caption,
    nodes.figure,
    nodes.legend,
    nodes.table,
    nodes.term,
    nodes.target,
    nodes.comment,
    nodes.abbreviation,
    nodes.citation,
    nodes.footnote,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.field_name,
    nodes.option_list,
    nodes.image,
    nodes.system_message,
    nodes.substitution_definition,
    addnodes.toctree,
    addnodes.glossary,
    addnodes.desc_signature,
    addnodes.download_reference,
)


def _form_pattern(form: str, exact: bool = False) -> str:
    first, rest = form[0], form[1:]
    head = (
        f"[{re.escape(first.upper())}{re.escape(first.lower())}]" if first.isalpha() and not exact else re.escape(first)
    )
    return rf"(?<![\w-]){head}{re.escape(rest)}s?(?![\w-])"


def _forms(term: str, spec) -> tuple[list[str], bool]:
    if isinstance(spec, dict):
        return [str(f) for f in spec.get("forms") or [term]], bool(spec.get("exact"))
    return [term, *map(str, spec)], False


def compile_terms(terms: dict) -> tuple[re.Pattern | None, dict[str, str]]:
    """One pattern for every form of every term (longest first), and {group name: term}.

    ``terms``: {term: [other forms]} (the term itself matches too), or {term: {"forms": [every
    form], "exact": bool}}."""
    forms = set()
    for term, spec in terms.items():
        fs, exact = _forms(term, spec)
        forms |= {(f, term, exact) for f in fs if f.strip()}
    forms = sorted(forms, key=lambda ft: (-len(ft[0]), ft[0]))
    if not forms:
        return None, {}
    groups = {f"g{i}": term for i, (_, term, _) in enumerate(forms)}
    pattern = "|".join(f"(?P<g{i}>{_form_pattern(form, exact)})" for i, (form, _, exact) in enumerate(forms))
    return re.compile(pattern), groups


def _eligible(text: nodes.Text) -> bool:
    parent = text.parent
    if not isinstance(parent, nodes.TextElement):
        return False
    node = parent
    while node is not None:
        if isinstance(node, SKIP):
            return False
        node = node.parent
    return True


def _xref(term: str, text: str, docname: str) -> addnodes.pending_xref:
    # The node the {term} role makes: Sphinx resolves it to the glossary entry's anchor.
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="term", reftarget=term, refexplicit=True, refwarn=True, refdoc=docname
    )
    ref += nodes.inline(text, text, classes=["xref", "std", "std-term", "glossary-auto"])
    return ref


class GlossaryLinks(SphinxTransform):
    """Wrap the first use of each glossary term on a page in a reference to its entry."""

    # After parsing and the glued words (pasted while parsing), before Sphinx resolves references.
    default_priority = 700

    def apply(self, **kwargs) -> None:
        conf = self.config.glossary_links or {}
        page, terms = conf.get("page"), conf.get("terms") or {}
        docname = self.env.docname
        if not page or not terms or docname == page or page not in self.env.found_docs:
            return
        pattern, groups = compile_terms(terms)
        if pattern is None:
            return
        canonical = {t.lower(): t for t in terms}
        linked: set[str] = set()
        for ref in self.document.findall(addnodes.pending_xref):
            if ref.get("reftype") == "term" and str(ref.get("reftarget", "")).lower() in canonical:
                linked.add(canonical[str(ref["reftarget"]).lower()])  # already linked by a {term} role
        for text in list(self.document.findall(nodes.Text)):
            if len(linked) == len(terms):
                break
            if not _eligible(text):
                continue
            self._link(text, pattern, groups, linked, docname)

    @staticmethod
    def _link(text: nodes.Text, pattern: re.Pattern, groups: dict[str, str], linked: set[str], docname: str) -> None:
        source = str(text)
        pieces: list[nodes.Node] = []
        pos = 0
        for m in pattern.finditer(source):
            term = groups[m.lastgroup]
            if term in linked:
                continue
            linked.add(term)
            if m.start() > pos:
                pieces.append(nodes.Text(source[pos : m.start()]))
            pieces.append(_xref(term, m.group(0), docname))
            pos = m.end()
        if not pieces:
            return
        if pos < len(source):
            pieces.append(nodes.Text(source[pos:]))
        text.parent.replace(text, pieces)


def setup(app) -> None:
    app.add_config_value("glossary_links", {}, "env", types=[dict])
    app.add_transform(GlossaryLinks)
