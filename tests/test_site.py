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

The Chinese edition (docs/_build/html/zh_CN, built with `-D
language=zh_CN` from docs/locale) gets the same checks (figures, typeset
maths, no raw TeX), and its pages must be set in the Noto Sans SC web font
the site serves itself: the font applied, its faces loaded from the site,
and every Chinese character on the page covered by a loaded face (no
missing glyphs). `-k zh` selects these tests.
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
import tfgan_i18n  # noqa: E402

HTML_ZH = HTML / "zh_CN"
LOCALE = DOCS / "locale" / "zh_CN" / "LC_MESSAGES"

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
# After the page's fonts are ready: the Chinese characters of the article's
# visible text, the Noto Sans SC faces (and which are loaded), the
# characters no loaded face covers, the body text's font, and the font files
# the page fetched.
_FONTS_JS = """
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const article = document.querySelector("article");
  const chars = [...new Set(article.innerText)]
    .filter((c) => /[\\u3400-\\u9fff\\u3000-\\u303f\\uff00-\\uffef]/.test(c));
  const faces = [...document.fonts]
    .filter((f) => f.family.replace(/["']/g, "") === "Noto Sans SC");
  const loaded = faces.filter((f) => f.status === "loaded").map((f) =>
    f.unicodeRange.split(",").map((r) => {
      const [a, b] = r.trim().replace(/^U\\+/i, "").split("-");
      return [parseInt(a, 16), parseInt(b || a, 16)];
    }));
  const covered = (c) => loaded.some((ranges) =>
    ranges.some(([a, b]) => c.codePointAt(0) >= a && c.codePointAt(0) <= b));
  done({chars: chars.length, faces: faces.length, loaded: loaded.length,
        missing: chars.filter((c) => !covered(c)).join(""),
        family: getComputedStyle(article.querySelector("p")).fontFamily,
        files: performance.getEntriesByType("resource").map((e) => e.name)
          .filter((n) => /\\.woff2?$/.test(n))});
}, () => done(null));
"""


def _image_outputs(nb) -> int:
    return sum(
        any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
        for cell in nb.cells
        if cell.cell_type == "code" and not HIDDEN & set(cell.metadata.get("tags", []))
        for output in cell.outputs
    )


def _has_maths(nb) -> bool:
    return any("$" in cell.source for cell in nb.cells if cell.cell_type == "markdown")


def _build_site(html, warnings, doctrees, options=()):
    """Builds the site into `html` from scratch (-E), warnings as errors."""
    from sphinx.cmd.build import build_main

    warnings = BUILD / warnings
    BUILD.mkdir(exist_ok=True)
    status = build_main(
        ["-W", "--keep-going", "-E", "-q", "-w", str(warnings), "-b", "html"]
        + [*options, "-d", str(BUILD / doctrees), str(DOCS), str(html)]
    )
    assert status == 0, f"the docs build into {html} failed:\n{warnings.read_text()}"
    return html


@pytest.fixture(scope="module")
def site():
    """The English site, built from scratch."""
    return _build_site(HTML, "warnings.txt", "doctrees")


@pytest.fixture(scope="module")
def site_zh():
    """The Chinese edition, built from scratch."""
    return _build_site(
        HTML_ZH, "warnings_zh_CN.txt", "doctrees-zh_CN", ("-D", "language=zh_CN")
    )


def _serve(folder):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd


@pytest.fixture(scope="module")
def server_zh(site_zh):
    """Serves the site's root; the Chinese edition is at /zh_CN/."""
    httpd = _serve(HTML)
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


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
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/chapters/{path.stem}.html")
    heading = browser.find_element(By.CSS_SELECTOR, "article h1").text
    first_cell = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    assert heading.rstrip("#¶ ").strip() == first_cell.lstrip("# ").strip()
    _check_figures(browser, path, path.stem)

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


def _check_figures(browser, path, shot_prefix):
    """Every figure of chapter `path`'s executed copy is on the open page,
    loaded, laid out, and not blank as Chromium painted it."""
    from matplotlib import image as mpimg
    from selenium.webdriver.common.by import By

    expected = _image_outputs(
        nbformat.read(DOCS / "chapters" / path.name, as_version=4)
    )
    assert expected > 0, f"{path.name} has no figure outputs in its executed copy"
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
        shot = SCREENSHOTS / f"{shot_prefix}_figure{index}.png"
        shot.write_bytes(element.screenshot_as_png)
        pixels = mpimg.imread(io.BytesIO(shot.read_bytes()))
        assert min(pixels.shape[:2]) > 50, (index, pixels.shape)
        share, judged = figure_check.flat_tile_share(pixels)
        assert not figure_check.is_blank_figure(pixels), (
            f"figure {index} ({shot}) is blank on screen: {share:.1%} of its "
            f"{judged} non-background tiles are flat"
        )


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


# ------------------------------------------------- the Chinese edition (中文版)


def _translation(page: str, english: str) -> str:
    """The Chinese of one message of `page`'s catalog."""
    from babel.messages.pofile import read_po

    with open(LOCALE / f"{page}.po", "rb") as file:
        message = read_po(file).get(english)
    assert message is not None and message.string, (page, english)
    return message.string


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=[f"zh-{p.name}" for p in CHAPTERS])
def test_zh_chapter_page_renders_its_figures(site_zh, server_zh, browser, path):
    from selenium.webdriver.common.by import By

    browser.get(f"{server_zh}/zh_CN/chapters/{path.stem}.html")
    heading = browser.find_element(By.CSS_SELECTOR, "article h1").text
    first_cell = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
    title = first_cell.lstrip("# ").strip()
    assert heading.rstrip("#¶ ").strip() == _translation(f"chapters/{path.stem}", title)
    _check_figures(browser, path, f"zh_CN_{path.stem}")

    status = cache.full_run_status(path, EXECUTED)
    if status == "fresh":
        note = browser.find_element(By.CSS_SELECTOR, "article .tfgan-full-run").text
        record = cache.run_record(nbformat.read(EXECUTED / path.name, as_version=4))
        assert "本页显示完整模式的运行结果" in note and record["machine"] in note
        assert f"用时 {record['wall_time_s'] / 60:.1f} 分钟" in note
        assert tfgan_i18n.CODE_NOTE_ZH in note
    else:
        banner = browser.find_element(By.CSS_SELECTOR, "article .tfgan-smoke-run")
        assert "冒烟运行" in banner.text and status in banner.text


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=[f"zh-{p.name}" for p in CHAPTERS])
def test_zh_chapter_maths_is_typeset_offline(site_zh, server_zh, browser, path):
    browser.get(f"{server_zh}/zh_CN/chapters/{path.stem}.html")
    _check_maths(
        browser, f"zh_CN/{path.name}", _has_maths(nbformat.read(path, as_version=4))
    )


ZH_PAGES = [
    "index",
    "glossary",
    "quickstart",
    "chapters/index",
    *(f"chapters/{p.stem}" for p in CHAPTERS),
    "exercises/notebooks/01_minimax_game_exercises",
]


@pytest.mark.slow
@pytest.mark.parametrize("page", ZH_PAGES, ids=[f"zh-{p}" for p in ZH_PAGES])
def test_zh_pages_are_set_in_the_served_font(site_zh, server_zh, browser, page):
    browser.get(f"{server_zh}/zh_CN/{page}.html")
    fonts = browser.execute_async_script(_FONTS_JS)
    assert fonts is not None, f"{page}: the page's fonts failed to load"
    assert fonts["chars"] > 20, f"{page}: no Chinese text ({fonts['chars']} characters)"
    assert fonts["faces"] > 0, f"{page}: no Noto Sans SC @font-face rules"
    family = fonts["family"].replace('"', "'")
    assert family.startswith("'Noto Sans SC'"), family
    assert fonts["loaded"] > 0 and not fonts["missing"], (
        f"{page}: {len(fonts['missing'])} characters without a loaded glyph "
        f"(tofu): {fonts['missing'][:40]}"
    )
    # Font files (ours, and MathJax's) come from the site itself.
    assert all(f.startswith(f"{server_zh}/zh_CN/_static/") for f in fonts["files"])
    assert any("/_static/files/noto-sans-sc-" in f for f in fonts["files"])


@pytest.mark.slow
def test_zh_english_only_pages_say_so(site_zh, server_zh, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server_zh}/zh_CN/api/tfgan_edu.losses.html")
    note = browser.find_element(By.CSS_SELECTOR, "article .admonition.note").text
    assert tfgan_i18n.ENGLISH_ONLY_NOTE_ZH in note


@pytest.mark.slow
def test_zh_language_switch_links_both_editions(site, site_zh):
    english = (HTML / "chapters" / "01_minimax_game.html").read_text()
    chinese = (HTML_ZH / "chapters" / "01_minimax_game.html").read_text()
    assert 'href="../zh_CN/chapters/01_minimax_game.html"' in english
    assert 'href="../../chapters/01_minimax_game.html"' in chinese
    assert (HTML_ZH / "chapters" / "01_minimax_game.html").is_file()
