"""The documentation site: it builds with warnings as errors, and renders.

The build renders the chapter notebooks from the executed copies that
tests/test_notebooks.py leaves in docs/_build/executed (see
tfgan_edu/_notebook_cache.py); this file is named so that pytest runs it
after that one, and under pytest-xdist both files are in one worker's
group. Run alone, it executes the notebooks that have no fresh copy (smoke
mode, about a minute each) and caches them for the next run.

Then it serves the site on a free localhost port and opens the chapter pages
in headless Chromium: every figure of every chapter must be on its page,
loaded, decoded, laid out with a size, and not blank (pixels read back through
a canvas). Screenshots go to docs/_build/screenshots/. Chromium and
chromedriver come from Debian (`make docs-deps`); without them the browser
part is skipped, unless TFGAN_EDU_REQUIRE_BROWSER=1 (set by `make test`).
"""

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import nbformat
import numpy as np
import pytest

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

# For every figure in a cell output: loaded and decoded, its laid-out size,
# and the spread of its pixel values (0 for a blank or missing picture).
_FIGURES_JS = """
const figures = [...document.querySelectorAll("div.cell_output img")];
return figures.map((img) => {
  img.scrollIntoView({block: "center", behavior: "instant"});
  const box = img.getBoundingClientRect();
  let spread = -1;
  if (img.complete && img.naturalWidth > 0) {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let min = 255, max = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    spread = max - min;
  }
  return {src: img.getAttribute("src"), complete: img.complete,
          natural: [img.naturalWidth, img.naturalHeight],
          box: [box.width, box.height], spread: spread};
});
"""


def _image_outputs(nb) -> int:
    return sum(
        any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


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
        assert figure["spread"] > 0, f"blank: {figure}"

    # A screenshot of the page with the first figure in view, and that figure
    # cut out of it: the pixels Chromium painted, not the PNG file.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = browser.find_elements(By.CSS_SELECTOR, "div.cell_output img")[0]
    left, top, width, height, scale = browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height, window.devicePixelRatio];",
        first,
    )
    page = SCREENSHOTS / f"{path.stem}.png"
    browser.save_screenshot(str(page))
    pixels = mpimg.imread(page)
    rows = slice(max(0, int(top * scale)), int((top + height) * scale))
    cols = slice(max(0, int(left * scale)), int((left + width) * scale))
    figure = pixels[rows, cols, :3]
    assert figure.shape[0] > 50 and figure.shape[1] > 50, figure.shape
    mpimg.imsave(SCREENSHOTS / f"{path.stem}_figure.png", figure)
    assert float(np.std(figure)) > 0.01, "the first figure is blank on screen"
