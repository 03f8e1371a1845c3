"""The course website of scripts/build_site.py: built offline from the stored outputs.

A notebook with a code cell that was never run stops the build with the command that records it
(no build needed to check that). The other tests build a site of three notebooks (plus the
quizzes, the data cards and the landing page) into a temporary folder, once, and check its files:
pages, links between notebooks, figures, a local MathJax and no script or stylesheet from the
internet. The browser tests open three of its pages in Debian's chromium through a local HTTP
server, with every request to another host refused, and check that figures load, equations are
typeset and links to other notebooks lead to pages that load.
"""

import functools
import html
import http.server
import re
import shutil
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# notebooks with figures and equations; 03 gets a link to 04 (the committed ones have none)
SITE_NOTEBOOKS = [
    "01_unfolding_computational_graphs.ipynb",
    "03_backpropagation_through_time.ipynb",
    "04_vanishing_and_exploding_gradients.ipynb",
]
LINK_FROM, LINK_TO = SITE_NOTEBOOKS[1], SITE_NOTEBOOKS[2]
PAGES = ["index.html", *(f"notebooks/{Path(name).stem}.html" for name in SITE_NOTEBOOKS[1:])]
RAW_MATH = re.compile(r"\$[^$\s][^$]*\$")


class Tags(HTMLParser):
    """The attributes of every tag of an HTML page, as (tag, {attribute: value})."""

    def __init__(self, path):
        super().__init__()
        self.tags = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attributes):
        self.tags.append((tag, dict(attributes)))

    def values(self, tag, attribute):
        return [
            found[attribute] for name, found in self.tags if name == tag and found.get(attribute)
        ]


def local_target(page, reference):
    """The file a relative link or src of `page` points to (query and anchor dropped)."""
    return (page.parent / urlsplit(reference).path).resolve()


def copy_with_link(source, target_dir):
    """A copy of a notebook in `target_dir`; the copy of LINK_FROM ends with a link to LINK_TO."""
    notebook = nbformat.read(source, as_version=4)
    if source.name == LINK_FROM:
        text = f"Next: [notebook 04]({LINK_TO})."
        notebook.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(notebook, target_dir / source.name)
    return target_dir / source.name


def test_committed_notebooks_have_every_output_recorded():
    build_site.check_recorded(build_site.course_notebooks())


def test_a_never_run_cell_names_the_notebook_and_the_record_command(tmp_path, capsys):
    notebook = nbformat.read(ROOT / "notebooks" / "06_gru.ipynb", as_version=4)
    cell = [cell for cell in notebook.cells if cell.cell_type == "code"][2]
    cell.execution_count, cell.outputs = None, []
    nbformat.write(notebook, tmp_path / "06_gru.ipynb")
    assert build_site.main([str(tmp_path / "06_gru.ipynb"), "--output", str(tmp_path)]) == 1
    message = capsys.readouterr().err.strip()
    assert "\n" not in message
    assert message.startswith("notebooks/06_gru.ipynb: code cell 3 was never run")
    assert message.endswith("`python3 course.py record notebooks/06_gru.ipynb`")
    assert not (tmp_path / "index.html").exists()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A site of SITE_NOTEBOOKS built into a temporary folder; yields that folder."""
    notebooks_dir = tmp_path_factory.mktemp("notebooks")
    notebooks = [
        copy_with_link(ROOT / "notebooks" / name, notebooks_dir) for name in SITE_NOTEBOOKS
    ]
    output_dir = tmp_path_factory.mktemp("site")
    build_site.build(notebooks, tmp_path_factory.mktemp("site-src"), output_dir)
    return output_dir


def page_files(site):
    """The pages of the site (not the theme's template files that Sphinx copies to _static/)."""
    return sorted(path for path in site.rglob("*.html") if "_static" not in path.parts)


@pytest.mark.slow
def test_the_landing_page_the_notebooks_and_the_data_cards_are_pages(site):
    assert (site / "index.html").is_file()
    for name in SITE_NOTEBOOKS:
        assert (site / "notebooks" / f"{Path(name).stem}.html").is_file(), name
    for card in build_site.data_cards():
        assert (site / card.relative_to(ROOT).with_suffix(".html")).is_file(), card
    landing = html.unescape(re.sub(r"<[^>]+>", "", (site / "index.html").read_text("utf-8")))
    for words in (
        "python3 course.py run",
        "python3 course.py test",
        "scripts/assignments.py",
        "@misc{rnn_course_companion_2026",
        "05_lstm_gates",
    ):
        assert words in landing, words


@pytest.mark.slow
def test_navigation_follows_the_syllabus(site):
    links = Tags(site / "index.html").values("a", "href")
    notebooks = [link for link in links if re.match(r"notebooks/\d\d_", link)]
    order = list(dict.fromkeys(notebooks))
    assert order == [f"notebooks/{Path(name).stem}.html" for name in SITE_NOTEBOOKS]


@pytest.mark.slow
def test_a_link_between_notebooks_leads_to_the_page(site):
    page = site / "notebooks" / f"{Path(LINK_FROM).stem}.html"
    target = site / "notebooks" / f"{Path(LINK_TO).stem}.html"
    links = [
        local_target(page, link)
        for link in Tags(page).values("a", "href")
        if not link.startswith(("http", "#"))
    ]
    assert target in links
    assert all(link.is_file() for link in links), [link for link in links if not link.is_file()]


@pytest.mark.slow
def test_figures_are_files_of_the_site(site):
    for page in page_files(site):
        for source in Tags(page).values("img", "src"):
            assert not source.startswith(("http:", "https:", "//")), (page, source)
            assert local_target(page, source).is_file(), (page, source)
    page = site / "notebooks" / f"{Path(LINK_FROM).stem}.html"
    assert Tags(page).values("img", "src"), "the notebook's stored figures are missing"


@pytest.mark.slow
def test_scripts_and_styles_come_with_the_site(site):
    for page in page_files(site):
        tags = Tags(page)
        references = tags.values("script", "src") + [
            found["href"]
            for name, found in tags.tags
            if name == "link" and "stylesheet" in found.get("rel", "") + found.get("as", "")
        ]
        for reference in references:
            assert not re.match(r"(https?:)?//", reference), (page, reference)
            assert local_target(page, reference).is_file(), (page, reference)
    mathjax = [
        source
        for source in Tags(site / "index.html").values("script", "src")
        if "mathjax" in source
    ]
    assert mathjax and local_target(site / "index.html", mathjax[0]).is_file()


@pytest.fixture(scope="module")
def served_site(site):
    """The built site on a local HTTP server; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


@pytest.fixture(scope="module")
def browser(served_site):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed: `sudo apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def open_page(browser, base, path, outside_requests):
    """A browser page at `base/path` that refuses, and records, requests to any other host."""
    page = browser.new_page()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base):
            request_route.continue_()
        else:
            outside_requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    response = page.goto(f"{base}/{path}", wait_until="load")
    assert response.ok, path
    return page


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_pages_show_figures_and_equations_without_the_internet(browser, served_site, path):
    outside_requests = []
    page = open_page(browser, served_site, path, outside_requests)
    widths = page.eval_on_selector_all("article img", "images => images.map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths), widths
    if path != "index.html":
        assert widths, "no figures on the page"
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000
        )
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("article mjx-container").count() > 0
        errors = page.evaluate(
            "() => Array.from(MathJax.startup.document.math).filter(math => math.typesetRoot"
            " && math.typesetRoot.querySelector('mjx-merror')).map(math => math.math)"
        )
        assert not errors, f"MathJax could not typeset the TeX {errors}"
        prose = page.evaluate(
            "() => { const copy = document.querySelector('article').cloneNode(true);"
            " copy.querySelectorAll('.cell, pre, code, mjx-container').forEach(e => e.remove());"
            " return copy.innerText; }"
        )
        assert not RAW_MATH.findall(prose), RAW_MATH.findall(prose)[:5]
        assert "\\(" not in prose, "an equation left untypeset"
    assert not outside_requests, outside_requests
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES[:2])
def test_links_to_notebooks_lead_to_pages_that_load(browser, served_site, path):
    outside_requests = []
    page = open_page(browser, served_site, path, outside_requests)
    links = page.eval_on_selector_all(
        "article a[href*='notebooks/'], article a[href$='.html']", "links => links.map(a => a.href)"
    )
    notebook_links = sorted({link.split("#")[0] for link in links if re.search(r"/\d\d_", link)})
    assert notebook_links, "no links to notebooks"
    for link in notebook_links:
        response = page.goto(link, wait_until="load")
        assert response.ok, link
        assert page.locator("article h1").count() == 1, link
    assert not outside_requests, outside_requests
    page.close()
