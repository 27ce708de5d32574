"""The documentation site: it builds with warnings as errors, and renders.

The build renders the chapter notebooks from the executed copies that
tests/test_notebooks.py leaves in docs/_build/executed (see
tfgan_edu/_notebook_cache.py); this file is named so that pytest runs it
after that one, and under pytest-xdist both files are in one worker's
group. Run alone, it executes the notebooks that have no fresh copy (smoke
mode, about a minute each) and caches them for the next run.

Chapters with a committed full run (docs/executed) are rendered from it;
their pages say how long it took, the others carry a smoke-run banner.

Then it serves the site on a free localhost port and opens the pages in
headless Chromium: every figure of every chapter must be on its page,
loaded, decoded, laid out with a size, and not blank in the pixels Chromium
painted (`tfgan_edu._docs.figures.is_blank_figure` on a screenshot of each
figure: a grid of flat grey samples fails); maths must be typeset by the
site's own MathJax, with no raw TeX left in the text. Screenshots go to
docs/_build/screenshots/. Chromium and chromedriver come from Debian (`make
docs-deps`); without them the browser part is skipped, unless
TFGAN_EDU_REQUIRE_BROWSER=1 (set by `make test`).
"""

import functools
import http.server
import io
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest

from tfgan_edu import _notebook_cache as cache
from tfgan_edu._docs import figures as figure_check

# With tests/test_notebooks.py, on one pytest-xdist worker (see there).
pytestmark = pytest.mark.xdist_group("notebooks")

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"
SCREENSHOTS = BUILD / "screenshots"
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
EXECUTED = DOCS / "executed"
# Tags that keep a cell's output off the page (MyST-NB).
HIDDEN = {"remove-cell", "remove-output"}
sys.path.insert(0, str(DOCS / "_ext"))
import tfgan_docs  # noqa: E402

# For every figure in a cell output: loaded and decoded, its laid-out size.
_FIGURES_JS = """
const figures = [...document.querySelectorAll("div.cell_output img")];
return figures.map((img) => {
  img.scrollIntoView({block: "center", behavior: "instant"});
  const box = img.getBoundingClientRect();
  return {src: img.getAttribute("src").slice(0, 80), complete: img.complete,
          natural: [img.naturalWidth, img.naturalHeight],
          box: [box.width, box.height]};
});
"""
# Waits for MathJax's typesetting; then the article's text without code
# blocks (where a backslash or dollar sign is code, not TeX) and the number
# of typeset formulas. null when the page loads no MathJax.
_MATHS_JS = """
const done = arguments[arguments.length - 1];
const report = () => {
  const article = document.querySelector("article").cloneNode(true);
  article.querySelectorAll("pre, code, .highlight, mjx-container")
    .forEach((node) => node.remove());
  done({text: article.textContent,
        typeset: document.querySelectorAll("article mjx-container").length,
        scripts: [...document.scripts].map((s) => s.src).filter((s) => s)});
};
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(report, () => done(null));
} else { report(); }
"""
_RAW_TEX = re.compile(r"\\\(|\\\[|\$\$")


def _image_outputs(nb) -> int:
    return sum(
        any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
        for cell in nb.cells
        if cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", []))
        for output in cell.outputs
    )


def _has_maths(nb) -> bool:
    return any("$" in cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.fixture(scope="module")
def site():
    """Builds the site from scratch (-E), with warnings as errors."""
    from sphinx.cmd.build import build_main

    warnings = BUILD / "warnings.txt"
    BUILD.mkdir(exist_ok=True)
    status = build_main(
        ["-W", "--keep-going", "-E", "-q", "-w", str(warnings), "-b", "html"]
        + ["-d", str(BUILD / "doctrees"), str(DOCS), str(HTML)]
    )
    assert status == 0, f"the docs build failed:\n{warnings.read_text()}"
    return HTML


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        message = "Chromium and chromedriver are needed: `make docs-deps`"
        if os.environ.get("TFGAN_EDU_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="tfgan_edu_chromium_")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_gallery_pairs_need_both_pictures(tmp_path, monkeypatch):
    from sphinx.errors import ExtensionError

    assert tfgan_docs.gallery_markdown(tmp_path, "smoke") == ""
    with pytest.raises(ExtensionError, match="real_digits.png"):
        tfgan_docs.gallery_markdown(tmp_path, "full")
    (tmp_path / "real_digits.png").write_bytes(b"png")
    assert tfgan_docs.gallery_markdown(tmp_path, "smoke") == ""  # half a pair
    (tmp_path / "generated_digits.png").write_bytes(b"png")
    text = tfgan_docs.gallery_markdown(tmp_path, "smoke")
    assert text.count(":::{figure}") == 2
    assert "_static/gallery/real_digits.png" in text
    assert "_static/gallery/generated_digits.png" in text
    assert "photo_" not in text
    with pytest.raises(ExtensionError, match="photo_degraded.png, photo_restored.png"):
        tfgan_docs.gallery_markdown(tmp_path, "full")


def test_full_run_note():
    record = {
        "wall_time_s": 38.9,
        "machine": "2-core Test CPU",
        "date": "2026-12-04",
        "load_average": 4.62,
    }
    assert tfgan_docs.full_run_note(record) == (
        "Executed in full mode in 0.6 min on 2-core Test CPU "
        "(2026-12-04, load average 4.6)."
    )


def test_full_docs_mode_refuses_smoke_runs(tmp_path, monkeypatch):
    from sphinx.errors import ExtensionError

    monkeypatch.setenv(tfgan_docs.MODE_VAR, "full")
    (tmp_path / "chapters").mkdir()
    # An empty folder of committed runs: every chapter's is missing.
    with pytest.raises(ExtensionError, match="committed full run is missing"):
        tfgan_docs.prepare_chapters(tmp_path, executed=tmp_path / "executed")
    monkeypatch.setenv(tfgan_docs.MODE_VAR, "fast")
    with pytest.raises(ExtensionError, match="Received: 'fast'"):
        tfgan_docs.docs_mode()


@pytest.mark.slow
def test_site_has_every_chapter_exercise_and_api_page(site):
    index = (site / "index.html").read_text()
    chapters = (site / "chapters" / "index.html").read_text()
    for path in CHAPTERS:
        assert (site / "chapters" / f"{path.stem}.html").is_file(), path.name
        assert f'href="{path.stem}.html"' in chapters, path.name
    for page in ("install", "quickstart", "exercises/index", "api/index"):
        assert (site / f"{page}.html").is_file(), page
        assert f'href="{page}.html"' in index, page
    guide = (site / "exercises" / "index.html").read_text()
    import tfgan_edu as tge

    for name in tge.exercises.names():
        assert (
            f'<code class="docutils literal notranslate"><span class="pre">{name}</span></code>'
            in guide
        ), name
    api = (site / "api" / "tfgan_edu.exercises.html").read_text()
    assert 'id="tfgan_edu.exercises.check"' in api
    assert (
        'id="tfgan_edu.models.GAN"'
        in (site / "api" / "tfgan_edu.models.html").read_text()
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_page_renders_its_figures(site, server, browser, path):
    from matplotlib import image as mpimg
    from selenium.webdriver.common.by import By

    expected = _image_outputs(
        nbformat.read(DOCS / "chapters" / path.name, as_version=4)
    )
    assert expected > 0, f"{path.name} has no figure outputs in its executed copy"

    browser.get(f"{server}/chapters/{path.stem}.html")
    heading = browser.find_element(By.CSS_SELECTOR, "article h1").text
    first_cell = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    assert heading.rstrip("#¶ ").strip() == first_cell.lstrip("# ").strip()

    figures = browser.execute_script(_FIGURES_JS)
    assert len(figures) == expected, (
        f"{len(figures)} figures on the page, {expected} in the notebook"
    )
    for figure in figures:
        assert figure["complete"] and min(figure["natural"]) > 0, figure
        assert min(figure["box"]) > 0, f"not laid out: {figure}"

    # Each figure as Chromium painted it (an element screenshot, not the PNG
    # file), judged tile by tile: a grid of flat samples is blank.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    images = browser.find_elements(By.CSS_SELECTOR, "div.cell_output img")
    for index, element in enumerate(images):
        browser.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
            element,
        )
        shot = SCREENSHOTS / f"{path.stem}_figure{index}.png"
        shot.write_bytes(element.screenshot_as_png)
        pixels = mpimg.imread(io.BytesIO(shot.read_bytes()))
        assert min(pixels.shape[:2]) > 50, (index, pixels.shape)
        share, judged = figure_check.flat_tile_share(pixels)
        assert not figure_check.is_blank_figure(pixels), (
            f"figure {index} ({shot}) is blank on screen: {share:.1%} of its "
            f"{judged} non-background tiles are flat"
        )

    # Which run the page shows, and the banner that says so.
    status = cache.full_run_status(path, EXECUTED)
    if status == "fresh":
        note = browser.find_element(By.CSS_SELECTOR, "article .tfgan-full-run").text
        record = cache.run_record(nbformat.read(EXECUTED / path.name, as_version=4))
        assert "Executed in full mode in" in note and record["machine"] in note
        assert f"{record['wall_time_s'] / 60:.1f} min" in note
        assert not browser.find_elements(By.CSS_SELECTOR, ".tfgan-smoke-run")
    else:
        banner = browser.find_element(By.CSS_SELECTOR, "article .tfgan-smoke-run")
        assert "smoke run" in banner.text and status in banner.text
        assert not browser.find_elements(By.CSS_SELECTOR, ".tfgan-full-run")


def _check_maths(browser, page, expect_maths):
    maths = browser.execute_async_script(_MATHS_JS)
    assert maths is not None, f"{page}: MathJax failed to start"
    raw = _RAW_TEX.findall(maths["text"])
    assert not raw, f"{page}: raw TeX left in the text: {raw[:5]}"
    for src in maths["scripts"]:
        assert src.startswith("http://localhost"), f"{page} loads {src}"
    if expect_maths:
        assert maths["typeset"] > 0, f"{page}: no typeset maths"
        assert any("/_static/mathjax/tex-mml-chtml.js" in s for s in maths["scripts"])


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_maths_is_typeset_offline(site, server, browser, path):
    browser.get(f"{server}/chapters/{path.stem}.html")
    _check_maths(browser, path.name, _has_maths(nbformat.read(path, as_version=4)))


@pytest.mark.slow
def test_the_maths_check_catches_raw_tex(site, server, browser, tmp_path):
    # The same check on a copy of a chapter page whose MathJax is gone: the
    # formulas stay as the \( ... \) that Sphinx writes.
    page = next(p for p in CHAPTERS if _has_maths(nbformat.read(p, as_version=4)))
    html = (site / "chapters" / f"{page.stem}.html").read_text()
    broken = site / "chapters" / f"_nomathjax_{page.stem}.html"
    broken.write_text(html.replace("mathjax/tex-mml-chtml.js", "missing.js"))
    try:
        browser.get(f"{server}/chapters/{broken.name}")
        with pytest.raises(AssertionError, match="raw TeX left in the text"):
            _check_maths(browser, broken.name, True)
    finally:
        broken.unlink()


@pytest.mark.slow
def test_landing_page_gallery(site, server, browser):
    from selenium.webdriver.common.by import By

    gallery = DOCS / "_static" / "gallery"
    browser.get(f"{server}/index.html")
    shown = browser.find_elements(By.CSS_SELECTOR, "article .tfgan-gallery img")
    expected = [
        name
        for pair in tfgan_docs.GALLERY
        if all((gallery / n).is_file() for n, _ in pair)
        for name, _ in pair
    ]
    assert len(shown) == len(expected), (len(shown), expected)
    for img in shown:
        assert browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", img
        )
