""" "Open in Colab": every notebook's badge and setup cell, `add_colab`, what
the setup cell runs, and how the site shows the badge."""

import ast
import copy
import importlib.util
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from tfgan_edu._docs import cell_tags, colab

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import tfgan_docs  # noqa: E402

PIP = [sys.executable, "-m", "pip", "install", "--quiet", "tfgan-edu"]


def _colab_url(relative: str) -> str:
    # Written out here, independently of colab.badge.
    return (
        "https://colab.research.google.com/github/tfgan-edu/tfgan-edu/blob/main/"
        + relative
    )


def test_every_kind_of_notebook_is_covered():
    folders = {p.parent.relative_to(ROOT).as_posix() for p in NOTEBOOKS}
    assert folders == {"notebooks", "notebooks/exercises", "notebooks/projects"}


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
)
def test_notebook_opens_with_its_own_badge_and_the_setup_cell(path):
    relative = path.relative_to(ROOT).as_posix()
    nb = nbformat.read(path, as_version=4)
    badges = [
        (index, line)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if "colab.research.google.com" in line
    ]
    assert len(badges) == 1, f"{relative}: {len(badges)} Colab badges"
    index, line = badges[0]
    assert line == (
        "[![Open In Colab](https://colab.research.google.com/assets/"
        f"colab-badge.svg)]({_colab_url(relative)})"
    )
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[index] is first
    assert first.source.splitlines()[:3] == [first.source.splitlines()[0], "", line]
    assert first.source.startswith("# ")  # the title line stays first

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == colab.SETUP_SOURCE, f"{relative}: first code cell"
    assert not any(colab.is_setup_cell(c) for c in code[1:])
    assert cell_tags.TAG in code[0].metadata.get("tags", [])
    assert code[0].outputs == [] and code[0].execution_count is None


def test_a_file_gets_exactly_the_committed_badge_and_cell(tmp_path):
    # Undo the badge and setup cell of a committed chapter by hand; applying
    # `python -m tfgan_edu._docs.colab` to the result gives the committed
    # file back, byte for byte (the repository's JSON format kept).
    source = ROOT / "notebooks" / "03_conditional_gans.ipynb"
    data = json.loads(source.read_text(encoding="utf-8"))
    data["cells"] = [c for c in data["cells"] if c.get("id") != "colab-setup"]
    title = data["cells"][0]["source"]
    assert title[2].startswith("[![Open In Colab]") and title[3] == "\n"
    del title[2:4]
    copy_path = tmp_path / "notebooks" / source.name
    copy_path.parent.mkdir()
    copy_path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert colab.colab_file(copy_path, root=tmp_path) is True
    assert copy_path.read_bytes() == source.read_bytes()
    assert colab.colab_file(copy_path, root=tmp_path) is False  # nothing to do


def test_main_applies_to_each_file(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Chapter 9: test"),
            nbformat.v4.new_code_cell("x = 1"),
        ]
    )
    nbformat.write(nb, folder / "09_test.ipynb")
    monkeypatch.chdir(tmp_path)
    assert colab.main(["notebooks/09_test.ipynb"]) == 0
    assert "09_test.ipynb: Colab badge" in capsys.readouterr().out
    stored = nbformat.read(folder / "09_test.ipynb", as_version=4)
    nbformat.validate(stored)
    assert _colab_url("notebooks/09_test.ipynb") in stored.cells[0].source
    assert [c.source for c in stored.cells[1:]] == [colab.SETUP_SOURCE, "x = 1"]
    with pytest.raises(ValueError, match="Received: "):
        colab.repo_path(tmp_path.parent / "elsewhere.ipynb", root=tmp_path)


def _messy_notebook():
    """An old badge (another repository), a second one further down, and
    two old setup cells away from the top."""
    old = (
        "[![Open in Colab](https://example.org/b.svg)]"
        "(https://colab.research.google.com/github/a/b/blob/dev/x.ipynb)"
    )
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("import keras"),
            nbformat.v4.new_markdown_cell(f"# Title\n{old}\n\n\nProse.\n{old}\nMore."),
            nbformat.v4.new_code_cell("# colab-setup: an old version\npass"),
            nbformat.v4.new_markdown_cell("## Section"),
            nbformat.v4.new_code_cell("# colab-setup\npass", metadata={"tags": ["x"]}),
        ]
    )


def test_add_colab_replaces_old_badges_and_setup_cells():
    nb = colab.add_colab(_messy_notebook(), "notebooks/x.ipynb")
    assert nb.cells[2].source == (
        f"# Title\n\n{colab.badge('notebooks/x.ipynb')}\n\nProse.\nMore."
    )
    assert [c.source for c in nb.cells if c.cell_type == "code"] == [
        colab.SETUP_SOURCE,
        "import keras",
    ]
    assert nb.cells[0].metadata["tags"] == [cell_tags.TAG]
    assert [c.source for c in nb.cells if c.cell_type == "markdown"][1] == "## Section"


@pytest.mark.parametrize(
    "make",
    [
        _messy_notebook,
        lambda: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]),
        lambda: nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell("# Only prose\n")]
        ),
        lambda: nbformat.read(ROOT / "notebooks" / "04_evaluation.ipynb", as_version=4),
        lambda: json.loads(
            (
                ROOT / "notebooks" / "exercises" / "04_evaluation_exercises.ipynb"
            ).read_text(encoding="utf-8")
        ),
    ],
    ids=["messy", "no-markdown", "no-code", "chapter", "json-dict"],
)
def test_add_colab_is_idempotent(make):
    once = colab.add_colab(make(), "notebooks/x.ipynb")
    twice = colab.add_colab(copy.deepcopy(once), "notebooks/x.ipynb")
    assert twice == once
    code = [c for c in once["cells"] if c["cell_type"] == "code"]
    assert colab.is_setup_cell(code[0])
    markdown = [c for c in once["cells"] if c["cell_type"] == "markdown"]
    assert colab.badge("notebooks/x.ipynb") in "".join(markdown[0]["source"])
    nbformat.validate(nbformat.from_dict(once))


def test_add_colab_changes_nothing_else():
    path = ROOT / "notebooks" / "05_gan_vs_vae.ipynb"
    committed = nbformat.read(path, as_version=4)
    bare = copy.deepcopy(committed)
    bare.cells = [c for c in bare.cells if not colab.is_setup_cell(c)]
    bare.cells[0].source = bare.cells[0].source.replace(
        colab.badge("notebooks/05_gan_vs_vae.ipynb") + "\n\n", ""
    )
    redone = colab.add_colab(copy.deepcopy(bare), "notebooks/05_gan_vs_vae.ipynb")
    assert redone == committed
    rest = [c for c in redone.cells if not colab.is_setup_cell(c)]
    assert rest[1:] == bare.cells[1:]


@pytest.mark.parametrize(
    "path", ["", "/abs/x.ipynb", "../x.ipynb", "notebooks/x.py", "."]
)
def test_badge_rejects_paths_outside_the_repository(path):
    with pytest.raises(ValueError, match=r"Received: path="):
        colab.badge(path)


# ------------------------------------------------------------ the setup cell


def test_setup_cell_is_plain_python_and_hidden_on_the_site():
    tree = ast.parse(colab.SETUP_SOURCE)  # no IPython magics
    assert tree.body
    assert colab.SETUP_SOURCE.splitlines()[0].startswith(colab.SETUP_MARKER)
    assert cell_tags.is_plumbing(colab.SETUP_SOURCE)
    assert len(colab.SETUP_SOURCE.splitlines()) <= 15


def _run_setup(monkeypatch, found: bool) -> list:
    calls = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "tfgan_edu" and not found:
            return None
        return real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(
        subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    exec(compile(colab.SETUP_SOURCE, "<setup cell>", "exec"), {})
    return calls


def test_setup_cell_installs_the_package_where_it_is_missing(monkeypatch):
    calls = _run_setup(monkeypatch, found=False)
    assert calls == [((PIP,), {"check": True})]


def test_setup_cell_does_nothing_where_the_package_is_installed(monkeypatch):
    assert importlib.util.find_spec("tfgan_edu") is not None
    assert _run_setup(monkeypatch, found=True) == []


# ------------------------------------------------------------------ the site


def _badge_doctree(uri=colab.BADGE_IMAGE):
    from docutils import nodes
    from docutils.utils import new_document

    document = new_document("test")
    image = nodes.image(uri=uri, alt="Open In Colab")
    link = nodes.reference("", "", image, refuri=_colab_url("notebooks/x.ipynb"))
    document += nodes.paragraph("", "", link)
    return document


def test_the_site_shows_its_own_badge_inside_the_same_link():
    from docutils import nodes

    document = _badge_doctree()
    assert tfgan_docs.localize_colab_badges(document, "chapters/01_x") == 1
    (paragraph,) = document.findall(nodes.paragraph)
    assert paragraph["translatable"] is False
    (link,) = paragraph.findall(nodes.reference)
    assert link["refuri"] == _colab_url("notebooks/x.ipynb")
    assert not list(document.findall(nodes.image))
    (raw,) = link.findall(nodes.raw)
    assert raw.astext() == (
        '<img src="../_static/colab-badge.svg" alt="Open In Colab" '
        'class="tfgan-colab-badge">'
    )
    top = _badge_doctree()
    tfgan_docs.localize_colab_badges(top, "index")
    assert 'src="_static/colab-badge.svg"' in next(top.findall(nodes.raw)).astext()
    other = _badge_doctree("https://example.org/badge.svg")
    assert tfgan_docs.localize_colab_badges(other, "index") == 0


def test_the_badge_picture_is_a_self_contained_svg():
    path = DOCS / tfgan_docs.COLAB_BADGE
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("117", "20")
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert " ".join(texts) == "Open in Colab"
    text = path.read_text(encoding="utf-8")
    assert "href" not in text and "@import" not in text and "url(http" not in text


@pytest.mark.slow
def test_a_built_page_links_to_colab_with_the_local_badge_and_no_message(tmp_path):
    # A tiny site with one notebook, built in-process with MyST-NB and the
    # transform: the HTML keeps the Colab link and shows the local picture;
    # the gettext catalog gets the page's prose, not the badge.
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "_static").mkdir()
    shutil.copy(DOCS / tfgan_docs.COLAB_BADGE, src / "_static")
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        'extensions = ["myst_nb"]\n'
        'nb_execution_mode = "off"\n'
        'html_static_path = ["_static"]\n'
        'exclude_patterns = ["_build", "_static"]\n'
        "gettext_compact = False\n"
        "def setup(app):\n"
        "    import tfgan_docs\n"
        "    app.add_transform(tfgan_docs.ColabBadges)\n"
    )
    (src / "index.md").write_text("# Test\n\n```{toctree}\nchapters/01_x\n```\n")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Chapter 1: x\n\nProse here."),
            nbformat.v4.new_code_cell("x = 1"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(
        colab.add_colab(nb, "notebooks/01_x.ipynb"), src / "chapters/01_x.ipynb"
    )

    out = tmp_path / "out"
    for builder in ("html", "gettext"):
        status = build_main(
            ["-q", "-W", "-b", builder, "-d", str(out / f".{builder}"), str(src)]
            + [str(out / builder)]
        )
        assert status == 0, builder
    page = (out / "html" / "chapters" / "01_x.html").read_text(encoding="utf-8")
    assert (
        f'<a class="reference external" href="{_colab_url("notebooks/01_x.ipynb")}">'
        '<img src="../_static/colab-badge.svg" alt="Open In Colab"' in page
    )
    assert colab.BADGE_IMAGE not in page
    assert (out / "html" / "_static" / "colab-badge.svg").is_file()
    # One code cell on the page: the setup cell is hidden (remove-cell).
    assert page.count('class="cell docutils container"') == 1
    assert "find_spec" not in page
    pot = (out / "gettext" / "chapters" / "01_x.pot").read_text(encoding="utf-8")
    ids = [line for line in pot.splitlines() if line.startswith("msgid")]
    assert ids == ['msgid ""', 'msgid "Chapter 1: x"', 'msgid "Prose here."']
