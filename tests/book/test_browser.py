"""The built book in a real browser: what a reader gets (issue 10).

The default ICB's book is served from 127.0.0.1 (a random port) and every page reachable from
``index.html`` is opened in headless Chromium (Debian's ``chromium``, installed by ``make test``)
driven by Playwright. For each page the test records console errors and failed requests, checks
every internal link (pages, anchors, CSV/PNG/JSON downloads) and image, and runs axe-core (pinned,
installed by ``tools/install_axe.sh``) with the WCAG 2.0/2.1/2.2 A and AA rules.

The book's own content (the ``article`` element) must have no serious or critical violation. The
theme's chrome (header, sidebars, footer) must have none either, except those listed in
``THEME_EXCEPTIONS`` below, each documented with its reason in docs/accessibility.md.

CI output, under ci-artifacts/ (git-ignored; ANALYSIS_CI_ARTIFACTS to put it elsewhere): screenshots/<page>.png (full page, 1280 px wide),
screenshots/phone/<page>.png (390 px wide), screenshots/dark/<page>.png (dark colour mode, top of
page), screenshots/nojs-<chapter>.png (JavaScript off),
screenshots/print-<chapter>.png and print/<chapter>.pdf (print stylesheet), browser-report.json.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import yaml
from conftest import FRONT_PAGES, ROOT, all_pages

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("book")]

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = ROOT / "tools" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("ANALYSIS_CI_ARTIFACTS", ROOT / "ci-artifacts"))
SHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
#: The part of each page that is the book's own content (the rest is sphinx-book-theme chrome).
CONTENT = "article.bd-article"

#: Serious/critical axe violations in the theme's chrome that cannot be fixed in this project:
#: rule id -> CSS selectors (as axe reports them) of the affected elements. Every entry must be
#: explained in docs/accessibility.md ("Known issues in the theme"). Currently none: what the
#: theme got wrong is fixed by src/analysis/sphinx_a11y and book/_static/book.css.
THEME_EXCEPTIONS: dict[str, set[str]] = {}

#: Console errors the theme causes and that cannot be fixed here (regex -> reason, documented in
#: docs/accessibility.md). Currently none.
CONSOLE_EXCEPTIONS: dict[str, str] = {}

PAGE_SUFFIXES = (".html", "/")


def _chapters() -> list[str]:
    return [c["id"] for c in yaml.safe_load((ROOT / "book" / "chapters.yml").read_text())["chapters"]]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def server(built_book):
    site = Path(built_book["html"]).resolve()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def playwright_api():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Headless Chromium is missing ({CHROMIUM}). Run `make test`, which installs Debian's "
            "chromium (or `make browser`), then run the tests again."
        )
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_JS.relative_to(ROOT)}). Run `make test` (or `make browser`), "
            "which installs it from the npm registry with tools/install_axe.sh."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


def _launch(p, tmp_path_factory, **context_options):
    """A persistent context on a fresh user data dir, with Debian's Chromium."""
    return p.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        **context_options,
    )


_EAGER_IMAGES = (
    """async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  return imgs.map(i => ({src: i.currentSrc || i.src, alt: i.getAttribute('alt'), width: i.naturalWidth,
                         content: !!i.closest('%s')}));
}"""
    % CONTENT
)

_AXE_RUN = """async ([tags, content]) => {
  const res = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return res.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => {
      let el = null;
      try { el = document.querySelector(n.target[0]); } catch (e) {}
      return {target: n.target.join(' '), html: n.html.slice(0, 300), impact: n.impact,
              content: !!(el && el.closest(content)), summary: n.failureSummary};
    })
  }));
}"""


def _page_name(url: str, base: str) -> str:
    path = urlsplit(url).path[len(urlsplit(base).path) :] or "index.html"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.removesuffix(".html")) or "index"


def _run_axe(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(_AXE_RUN, [AXE_TAGS, CONTENT])


def _crawl(server, playwright_api, tmp_path_factory):
    """Open every page of the site once; return everything the tests below check."""
    t0 = time.perf_counter()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.rglob("*.png"):
        old.unlink()
    axe_source = AXE_JS.read_text(encoding="utf-8")
    ctx = _launch(playwright_api, tmp_path_factory)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    current = {"name": ""}
    console: list[dict] = []
    bad_responses: list[dict] = []

    def on_console(msg):
        if msg.type == "error":
            console.append({"page": current["name"], "text": msg.text, "where": msg.location.get("url", "")})

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console.append({"page": current["name"], "text": f"uncaught: {exc}", "where": ""}))
    page.on(
        "requestfailed",
        lambda req: (
            bad_responses.append({"page": current["name"], "url": req.url, "status": f"failed: {req.failure}"})
            if req.url.startswith(server)
            else None
        ),
    )
    page.on(
        "response",
        lambda resp: (
            bad_responses.append({"page": current["name"], "url": resp.url, "status": resp.status})
            if resp.status >= 400
            else None
        ),
    )

    # Every page reachable from index.html, plus the search page (reached through a form).
    queue: deque[str] = deque([server + "index.html", server + "search.html"])
    seen_pages: set[str] = set(queue)
    pages: dict[str, dict] = {}
    links: list[tuple[str, str]] = []  # (from page, absolute internal URL)
    external = set()
    while queue:
        url = queue.popleft()
        name = _page_name(url, server)
        current["name"] = name
        resp = page.goto(url, wait_until="load")
        try:
            page.wait_for_load_state("networkidle", timeout=5000)
        except Exception:  # a page that keeps polling still gets checked
            pass
        images = page.evaluate(_EAGER_IMAGES)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        ids = page.eval_on_selector_all("[id], a[name]", "els => els.map(e => e.id || e.getAttribute('name'))")
        violations = _run_axe(page, axe_source)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        pages[url] = {
            "name": name,
            "status": resp.status if resp else None,
            "images": images,
            "ids": set(ids),
            "violations": violations,
        }
        for href in hrefs:
            if not href.startswith(server):
                if href.startswith(("http://", "https://")):
                    external.add(href)
                continue
            links.append((name, href))
            target, _ = urldefrag(href)
            target = target.split("?")[0]
            if target.endswith(PAGE_SUFFIXES) and target not in seen_pages:
                seen_pages.add(target)
                queue.append(target)
    crawl_seconds = time.perf_counter() - t0

    # Phone width: the key findings and the first chapter, as a reader on a phone sees them.
    phone = {}
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("summary", _chapters()[0]):
        current["name"] = f"phone/{name}"
        page.goto(server + f"{name}.html", wait_until="load")
        page.evaluate(_EAGER_IMAGES)
        (SHOTS / "phone").mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "phone" / f"{name}.png"), full_page=True)
        phone[name] = {
            "violations": _run_axe(page, axe_source),
            "overflow": page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
        }

    # Dark colour mode (readers can switch to it): the same pages, checked again.
    page.set_viewport_size({"width": 1280, "height": 900})
    dark = {}
    for name in ("summary", _chapters()[0]):
        current["name"] = f"dark/{name}"
        page.goto(server + f"{name}.html", wait_until="load")
        page.evaluate("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark')")
        page.reload(wait_until="load")
        page.evaluate(_EAGER_IMAGES)
        (SHOTS / "dark").mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "dark" / f"{name}.png"), full_page=False)
        dark[name] = {
            "violations": _run_axe(page, axe_source),
            "mode": page.evaluate("document.documentElement.dataset.theme"),
        }
        page.evaluate("localStorage.removeItem('mode'); localStorage.removeItem('theme')")

    # Print: the first chapter through the print stylesheet, as PDF and as a print-media screenshot.
    chapter = _chapters()[0]
    current["name"] = f"print/{chapter}"
    page.goto(server + f"{chapter}.html", wait_until="load")
    page.evaluate(_EAGER_IMAGES)
    page.emulate_media(media="print")
    hidden_in_print = page.evaluate("""() => ['.bd-sidebar-primary', '.bd-header', '.bd-sidebar-secondary']
        .every(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
    page.screenshot(path=str(SHOTS / f"print-{chapter}.png"), full_page=True)
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / "print" / f"{chapter}.pdf"
    page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    ctx.close()

    # Without JavaScript: the first chapter must still show its text and figures.
    ctx = _launch(playwright_api, tmp_path_factory, java_script_enabled=False)
    nojs_page = ctx.pages[0] if ctx.pages else ctx.new_page()
    nojs_page.goto(server + f"{chapter}.html", wait_until="load")
    nojs = nojs_page.evaluate(
        """() => ({
        text: (document.querySelector('%s') || document.body).innerText.length,
        images: [...document.images].map(i => ({src: i.src, width: i.naturalWidth})),
    })"""
        % CONTENT
    )
    nojs_page.screenshot(path=str(SHOTS / f"nojs-{chapter}.png"), full_page=True)
    ctx.close()

    result = {
        "pages": pages,
        "links": links,
        "external": sorted(external),
        "console": console,
        "bad_responses": bad_responses,
        "phone": phone,
        "dark": dark,
        "pdf": pdf_path,
        "hidden_in_print": hidden_in_print,
        "nojs": nojs,
        "seconds": time.perf_counter() - t0,
        "crawl_seconds": crawl_seconds,
    }
    report = {
        "pages": {
            p["name"]: {
                "status": p["status"],
                "images": len(p["images"]),
                "violations": [
                    {k: v[k] for k in ("id", "impact", "help")} | {"nodes": [n["target"] for n in v["nodes"]]}
                    for v in p["violations"]
                ],
            }
            for p in pages.values()
        },
        "phone": {
            k: {"overflow_px": v["overflow"], "violations": [x["id"] for x in v["violations"]]}
            for k, v in phone.items()
        },
        "dark": {k: {"violations": [x["id"] for x in v["violations"]]} for k, v in dark.items()},
        "console_errors": console,
        "bad_responses": bad_responses,
        "internal_links": len(links),
        "external_links_not_checked": len(external),
        "seconds": round(result["seconds"], 1),
    }
    (ARTIFACTS / "browser-report.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return result


def _check_every_page_of_the_book_is_reached_and_loads(crawl):
    names = {p["name"] for p in crawl["pages"].values()}
    for page in ["index", "summary", "methods", "data_sources", "glossary", *_chapters()]:
        assert page in names, f"{page}.html is not reachable from index.html (reached: {sorted(names)})"
    bad = {p["name"]: p["status"] for p in crawl["pages"].values() if p["status"] != 200}
    assert not bad, f"pages that did not load: {bad}"
    for name in names:
        assert (SHOTS / f"{name}.png").stat().st_size > 5000, f"no screenshot of {name}"


def _check_no_console_errors_or_failed_requests(crawl):
    errors = [e for e in crawl["console"] if not any(re.search(rx, e["text"]) for rx in CONSOLE_EXCEPTIONS)]
    assert not errors, "console errors:\n" + "\n".join(f"{e['page']}: {e['text']} ({e['where']})" for e in errors)
    assert not crawl["bad_responses"], "failed requests:\n" + "\n".join(
        f"{r['page']}: {r['status']} {r['url']}" for r in crawl["bad_responses"]
    )


def _check_no_broken_internal_links_anchors_or_downloads(crawl, server):
    by_url = {url: p for url, p in crawl["pages"].items()}
    status_cache: dict[str, int | str] = {}
    broken = []
    for src, href in crawl["links"]:
        target, fragment = urldefrag(href)
        target = target.split("?")[0]
        if target.endswith(PAGE_SUFFIXES):
            page = by_url.get(target) or by_url.get(target + "index.html")
            if page is None:
                broken.append(f"{src}: {href} (page not loaded)")
            elif fragment and unquote(fragment) not in page["ids"]:
                broken.append(f"{src}: {href} (no element with id {unquote(fragment)!r})")
            continue
        if target not in status_cache:
            try:
                with urllib.request.urlopen(target, timeout=10) as r:
                    status_cache[target] = r.status if r.read(1) or r.status == 200 else "empty"
            except urllib.error.HTTPError as exc:
                status_cache[target] = exc.code
            except OSError as exc:
                status_cache[target] = str(exc)
        if status_cache[target] != 200:
            broken.append(f"{src}: {href} ({status_cache[target]})")
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))
    downloads = [t for t in status_cache if t.endswith((".csv", ".png", ".json"))]
    assert any(t.endswith(".csv") for t in downloads), "no CSV download link was found in the book"
    assert any(t.endswith("headline.json") for t in downloads), "no headline JSON link was found"


def _check_every_image_loads_and_has_alt_text(crawl):
    problems = []
    n = 0
    for p in crawl["pages"].values():
        for img in p["images"]:
            n += 1
            if not (img["alt"] or "").strip():
                problems.append(f"{p['name']}: {img['src']} has no alt text")
            if img["width"] == 0:
                problems.append(f"{p['name']}: {img['src']} did not load")
    assert not problems, "\n".join(problems)
    assert n > 0, "the book has no images at all"


def _blocking(violations, *, content: bool, page: str) -> list[str]:
    out = []
    for v in violations:
        for node in v["nodes"]:
            impact = node.get("impact") or v["impact"]
            if impact not in BLOCKING or node["content"] != content:
                continue
            if not content and node["target"] in THEME_EXCEPTIONS.get(v["id"], set()):
                continue  # documented in docs/accessibility.md
            out.append(
                f"{page}: [{impact}] {v['id']} ({v['help']}) at {node['target']}\n    {node['html'][:160]}\n"
                f"    {node['summary'][:300]}"
            )
    return out


def _check_axe_finds_no_serious_or_critical_wcag22_aa_violations_in_the_books_content(crawl):
    problems = []
    for p in crawl["pages"].values():
        problems += _blocking(p["violations"], content=True, page=p["name"])
    for name, ph in crawl["phone"].items():
        problems += _blocking(ph["violations"], content=True, page=f"{name} (390 px wide)")
    for name, dk in crawl["dark"].items():
        assert dk["mode"] == "dark", f"{name}: could not switch to the dark colour mode"
        problems += _blocking(dk["violations"], content=True, page=f"{name} (dark mode)")
    assert not problems, "axe-core (WCAG 2.2 AA) in the book's content:\n" + "\n".join(problems)


def _check_axe_finds_no_undocumented_serious_or_critical_violations_in_the_theme(crawl):
    problems = []
    for p in crawl["pages"].values():
        problems += _blocking(p["violations"], content=False, page=p["name"])
    for name, ph in crawl["phone"].items():
        problems += _blocking(ph["violations"], content=False, page=f"{name} (390 px wide)")
    for name, dk in crawl["dark"].items():
        assert dk["mode"] == "dark", f"{name}: could not switch to the dark colour mode"
        problems += _blocking(dk["violations"], content=False, page=f"{name} (dark mode)")
    assert not problems, (
        "axe-core (WCAG 2.2 AA) in the theme's chrome; fix it (book.css, "
        "src/analysis/sphinx_a11y) or document it in docs/accessibility.md and "
        "THEME_EXCEPTIONS:\n" + "\n".join(problems)
    )


def _check_pages_fit_a_phone_screen(crawl):
    wide = {k: v["overflow"] for k, v in crawl["phone"].items() if v["overflow"] > 1}
    assert not wide, f"pages scroll sideways at 390 px (WCAG 1.4.10 reflow): {wide}"
    for name in crawl["phone"]:
        assert (SHOTS / "phone" / f"{name}.png").stat().st_size > 5000


def _check_a_chapter_prints_without_the_site_navigation(crawl):
    assert crawl["hidden_in_print"], "the print stylesheet does not hide the navigation"
    data = crawl["pdf"].read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000, "the printed chapter (PDF) is empty"
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


def _check_a_chapter_is_readable_without_javascript(crawl):
    nojs = crawl["nojs"]
    assert nojs["text"] > 500, "the chapter shows (almost) no text without JavaScript"
    assert nojs["images"], "the chapter has no figures"
    unloaded = [i["src"] for i in nojs["images"] if i["width"] == 0]
    assert not unloaded, f"figures that do not show without JavaScript: {unloaded}"


def _check_the_browser_check_is_quick(crawl):
    assert crawl["seconds"] < 240, f"the browser test took {crawl['seconds']:.0f}s"


CHECKS = [
    _check_every_page_of_the_book_is_reached_and_loads,
    _check_no_console_errors_or_failed_requests,
    _check_no_broken_internal_links_anchors_or_downloads,
    _check_every_image_loads_and_has_alt_text,
    _check_axe_finds_no_serious_or_critical_wcag22_aa_violations_in_the_books_content,
    _check_axe_finds_no_undocumented_serious_or_critical_violations_in_the_theme,
    _check_pages_fit_a_phone_screen,
    _check_a_chapter_prints_without_the_site_navigation,
    _check_a_chapter_is_readable_without_javascript,
    _check_the_browser_check_is_quick,
]


def test_the_book_in_headless_chromium(server, playwright_api, tmp_path_factory):
    """One crawl of the site, then every check on it; all failures are reported together.

    (One test rather than one per check: the crawl takes most of a minute and must run once;
    pytest-xdist's ``loadgroup`` does not keep a module's tests on one worker with pytest 9.)
    """
    crawl = _crawl(server, playwright_api, tmp_path_factory)
    failures = []
    for check in CHECKS:
        params = check.__code__.co_varnames[: check.__code__.co_argcount]
        try:
            check(*[{"crawl": crawl, "server": server}[p] for p in params])
        except AssertionError as exc:
            failures.append(f"--- {check.__name__[7:]}:\n{exc}")
    assert not failures, (
        f"{len(failures)} of {len(CHECKS)} browser checks failed "
        f"(screenshots and report in {ARTIFACTS}):\n" + "\n".join(failures)
    )


# ----------------------------------------------------------------------------- layout per page
# Readable tables at 1280 px, a data link under every chart, and a key findings page that prints
# on one or two pages. One page load each (no axe-core), so each page is its own test: the
# front matter must pass; the chapters pass once their rewrites land (narrow tables through
# show_columns, figure(..., data=...)), and are reported until then.

#: Printed on A4 (book.css print rules), the key findings page is a board paper of one or two pages.
SUMMARY_MAX_PAGES = 2


#: Every table of the article at the current width: does it fit its column, and if not, are its
#: first three columns and its last one visible without scrolling? (Dropdowns opened first.)
_TABLES = (
    """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const art = document.querySelector('%s');
  const artRect = art.getBoundingClientRect();
  return [...art.querySelectorAll('table')].map((t, i) => {
    const box = (t.closest('.table-scroll, .pst-scrollable-table-container') || art).getBoundingClientRect();
    const left = Math.max(box.left, artRect.left, 0), right = Math.min(box.right, artRect.right, window.innerWidth);
    const row = t.tHead && t.tHead.rows.length ? t.tHead.rows[t.tHead.rows.length - 1] : t.rows[0];
    const cells = row ? [...row.cells] : [];
    const key = [0, 1, 2].filter(k => k < cells.length).concat(cells.length > 3 ? [cells.length - 1] : []);
    const hidden = key.filter(k => {
      const r = cells[k].getBoundingClientRect();
      return r.right > right + 1 || r.left < left - 1;
    }).map(k => (cells[k].innerText || '').trim().slice(0, 40) || ('column ' + (k + 1)));
    const width = t.getBoundingClientRect().width;
    return {id: (t.closest('figure') || t).id || ('table ' + (i + 1)), columns: cells.length,
            width: Math.round(width), room: Math.round(right - left), fits: width <= right - left + 1, hidden};
  });
}"""
    % CONTENT
)

_FIGURES = (
    """() => [...document.querySelectorAll('%s figure.evidence-figure')].map(f => ({
  id: f.id, data: [...f.querySelectorAll('a[href]')].map(a => a.href).filter(h => /_data\\.csv$/.test(h.split('?')[0]))
}))"""
    % CONTENT
)


@pytest.fixture(scope="module")
def layout(server, playwright_api, tmp_path_factory):
    ctx = _launch(playwright_api, tmp_path_factory)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    out: dict = {"pages": {}}
    for name in FRONT_PAGES + _chapters():
        page.goto(server + f"{name}.html", wait_until="load")
        out["pages"][name] = {"tables": page.evaluate(_TABLES), "figures": page.evaluate(_FIGURES)}
    page.goto(server + "summary.html", wait_until="load")
    page.emulate_media(media="print")
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "print" / "summary.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    out["summary_pdf"] = pdf
    ctx.close()
    return out


@pytest.mark.parametrize("page", all_pages())
def test_tables_show_their_key_columns_at_1280_px(layout, page):
    bad = [t for t in layout["pages"][page]["tables"] if not t["fits"] and t["hidden"]]
    assert not bad, (
        f"{page}: tables wider than the text column at 1280 px with key columns off-screen "
        "(keep about six columns with show_columns):\n"
        + "\n".join(
            f"  {t['id']}: {t['columns']} columns, {t['width']} px in {t['room']} px; hidden: {t['hidden']}"
            for t in bad
        )
    )


@pytest.mark.parametrize("page", all_pages())
def test_every_chart_has_a_data_link_that_resolves(layout, page):
    problems = []
    for fig in layout["pages"][page]["figures"]:
        if not fig["data"]:
            problems.append(f"{page}: figure {fig['id']!r} has no link to its data (CSV)")
        for href in fig["data"]:
            try:
                with urllib.request.urlopen(href, timeout=10) as r:
                    if r.status != 200 or not r.read(1):
                        problems.append(f"{page}: figure {fig['id']!r}: {href} is empty ({r.status})")
            except (urllib.error.URLError, OSError) as exc:
                problems.append(f"{page}: figure {fig['id']!r}: {href} does not resolve ({exc})")
    assert not problems, "\n".join(problems)


def test_key_findings_print_on_one_or_two_pages(layout):
    data = layout["summary_pdf"].read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert data.startswith(b"%PDF") and pages >= 1, "the key findings page did not print"
    assert pages <= SUMMARY_MAX_PAGES, (
        f"the key findings page prints on {pages} A4 pages; a board paper has at "
        f"most {SUMMARY_MAX_PAGES} ({layout['summary_pdf']})"
    )
