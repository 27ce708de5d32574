"""Translations: the Chinese edition of the site, and `check`'s Chinese feedback.

The site's catalogs (docs/locale/zh_CN/LC_MESSAGES/*.po, Sphinx's gettext
workflow) must keep up with the English pages: a fresh gettext extraction
of the sources (Sphinx's `gettext` builder, in-process, the chapters copied
without running them) is compared with the committed catalogs, and a page
with an untranslated, fuzzy or missing message fails, named with its counts.
Translations keep the maths, code and links of their English message. The
exercises' catalog (tfgan_edu/exercises/locale/zh_CN.json) must cover every
exercise and question in the registry, and `check` must speak it.
"""

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from babel.messages.pofile import read_po

import tfgan_edu as tge
from tfgan_edu import cli
from tfgan_edu.exercises import _core
from tfgan_edu.exercises._registry import EXERCISES, QUESTIONS

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
LOCALE = DOCS / "locale" / "zh_CN" / "LC_MESSAGES"
sys.path.insert(0, str(DOCS / "_ext"))
import tfgan_docs  # noqa: E402
import tfgan_i18n  # noqa: E402

# Writes docs/chapters like the site build: with the site test, on one worker.
pytestmark = pytest.mark.xdist_group("notebooks")

# What a translation must carry over unchanged: inline maths, inline code,
# link targets.
_KEPT = re.compile(r"\$[^$]+\$|`[^`]+`|\]\([^)]+\)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalog(path: Path):
    with open(path, "rb") as file:
        return read_po(file)


def _sources_only(srcdir, executed=None):
    """`tfgan_docs.prepare_chapters` without running anything: the chapters'
    text is all the catalogs need (outputs and run banners are not
    translated). An executed copy whose text is the notebook's stays."""
    target = Path(srcdir) / "chapters"
    for source in sorted(tfgan_docs.NOTEBOOKS.glob("*.ipynb")):
        path = target / source.name
        if path.exists() and _markdown(path) == _markdown(source):
            continue
        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        path.write_text(nbformat.writes(nb), encoding="utf-8")
    return []


def _markdown(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [
        c.source
        for c in nb.cells
        if c.cell_type == "markdown" and c.get("id") != "tfgan-run-banner"
    ]


def extract(out: Path) -> int:
    """Sphinx's gettext extraction of every page into `out` (.pot files).

    Returns the build's exit status.
    """
    from sphinx.cmd.build import build_main

    original = tfgan_docs.prepare_chapters
    tfgan_docs.prepare_chapters = _sources_only
    try:
        return build_main(
            ["-q", "-E", "-b", "gettext", "-d", str(out / ".doctrees"), str(DOCS)]
            + [str(out)]
        )
    finally:
        tfgan_docs.prepare_chapters = original


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A fresh extraction of every page's messages (.pot files).

    In its own process: a Chinese build earlier in this one (the site
    test's) leaves Sphinx translating the landing page's inserted captions,
    which would then be extracted in Chinese.
    """
    out = tmp_path_factory.mktemp("gettext")
    status = subprocess.run(
        [sys.executable, __file__, "--extract", str(out)], cwd=ROOT
    ).returncode
    assert status == 0, "the gettext extraction failed"
    return {
        pot.relative_to(out).with_suffix("").as_posix(): _catalog(pot)
        for pot in out.rglob("*.pot")
    }


def lag(template, catalog) -> dict[str, int]:
    """Counts of a page's messages that lag its English source.

    Args:
        template: the page's fresh extraction (a babel `Catalog` of a .pot).
        catalog: its translation (a babel `Catalog` of the .po), or None.

    Returns:
        `{"untranslated": n, "fuzzy": n, "missing": n}`: messages with an
        empty translation, marked fuzzy (`make docs-pot` found the English
        changed), or absent from the catalog (it was not updated since).
    """
    counts = collections.Counter(untranslated=0, fuzzy=0, missing=0)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id) if catalog is not None else None
        if entry is None:
            counts["missing"] += 1
        elif entry.fuzzy:
            counts["fuzzy"] += 1
        elif not entry.string:
            counts["untranslated"] += 1
    return dict(counts)


def test_lag_counts_each_kind(tmp_path):
    from babel.messages.catalog import Catalog

    template, catalog = Catalog(), Catalog()
    for text in ("one", "two", "three", "four"):
        template.add(text)
    catalog.add("one", "一")
    catalog.add("two", "")
    catalog.add("three", "三", flags=["fuzzy"])
    assert lag(template, catalog) == {"untranslated": 1, "fuzzy": 1, "missing": 1}
    assert lag(template, None) == {"untranslated": 0, "fuzzy": 0, "missing": 4}


@pytest.mark.slow
def test_every_page_is_translated(templates):
    pages = {
        path.relative_to(LOCALE).with_suffix("").as_posix()
        for path in LOCALE.rglob("*.po")
    }
    assert pages, "no catalogs in docs/locale/zh_CN"
    lagging = []
    for page, template in sorted(templates.items()):
        counts = lag(
            template, _catalog(LOCALE / f"{page}.po") if page in pages else None
        )
        if any(counts.values()):
            total = sum(1 for m in template if m.id)
            lagging.append(
                f"{page}: {counts['untranslated']} untranslated, {counts['fuzzy']} "
                f"fuzzy, {counts['missing']} missing of {total} messages"
            )
    assert not lagging, (
        "The Chinese edition lags the English pages (run `make docs-pot`, then "
        "translate the .po files in docs/locale/zh_CN/LC_MESSAGES, or list a page "
        "in ENGLISH_ONLY of docs/_ext/tfgan_i18n.py):\n  " + "\n  ".join(lagging)
    )
    stale = sorted(pages - set(templates))
    assert not stale, (
        f"catalogs of pages that no longer exist (or are ENGLISH_ONLY): {stale}"
    )


def _kept(text: str) -> collections.Counter:
    return collections.Counter(_KEPT.findall(text))


@pytest.mark.parametrize(
    "path",
    sorted(LOCALE.rglob("*.po")),
    ids=[p.relative_to(LOCALE).as_posix() for p in sorted(LOCALE.rglob("*.po"))],
)
def test_translations_keep_maths_code_and_links(path):
    for message in _catalog(path):
        if not message.id or not message.string or message.fuzzy:
            continue
        lost = _kept(message.id) - _kept(message.string)
        assert not lost, (
            f"{path.name}: the translation of {message.id[:60]!r} lost {sorted(lost)}"
        )


# ---------------------------------------------------------------- the site


def test_extension_examples():
    import doctest

    result = doctest.testmod(tfgan_i18n, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0


def test_exercise_pages_are_filled_from_the_exercises_catalog(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    task = EXERCISES["gaussian_kl"].task
    first = tfgan_i18n.markdown_units(task)[0]
    folder = tmp_path / "exercises" / "notebooks"
    folder.mkdir(parents=True)
    po = Catalog(locale="zh_CN")
    po.add(first)
    po.add("5.2 The KL divergence to the prior")
    po.add("Concept question `kl_unit_shift`")
    po.add("Exercises for chapter 5: GANs and VAEs")
    po.add("Something new")
    with open(folder / "05.po", "wb") as file:
        write_po(file, po)
    assert tfgan_i18n.fill_exercise_catalogs(tmp_path) == {"05.po": 1}
    filled = {m.id: m.string for m in _catalog(folder / "05.po") if m.id}
    chinese = _core.catalog("zh_CN")["exercises"]["gaussian_kl"]
    assert filled[first] == tfgan_i18n.markdown_units(chinese["task"], True)[0]
    assert filled["5.2 The KL divergence to the prior"] == f"5.2 {chinese['title']}"
    assert filled["Concept question `kl_unit_shift`"] == "概念题 `kl_unit_shift`"
    assert filled["Exercises for chapter 5: GANs and VAEs"] == "第 5 章练习：GAN 与 VAE"
    assert filled["Something new"] == ""


def test_sphinx_reads_a_copy_of_the_catalogs(tmp_path):
    source, target = tmp_path / "locale", tmp_path / "build"
    (source / "chapters").mkdir(parents=True)
    (source / "index.po").write_text("a")
    (source / "chapters" / "x.po").write_text("b")
    assert tfgan_i18n.mirror_catalogs(source, target) == 2
    assert (target / "chapters" / "x.po").read_text() == "b"
    (target / "index.mo").write_bytes(b"compiled")
    assert tfgan_i18n.mirror_catalogs(source, target) == 0  # unchanged: kept
    assert (target / "index.mo").exists()
    (source / "index.po").unlink()
    (source / "chapters" / "x.po").write_text("c")
    assert tfgan_i18n.mirror_catalogs(source, target) == 1
    assert not (target / "index.po").exists() and not (target / "index.mo").exists()
    assert (target / "chapters" / "x.po").read_text() == "c"
    assert not list(source.rglob("*.mo"))


def test_switch_links_lead_to_the_same_page():
    assert tfgan_i18n.switch_link("index", "en") == ("中文", "zh_CN/index.html")
    assert tfgan_i18n.switch_link("chapters/01_minimax_game", "en") == (
        "中文",
        "../zh_CN/chapters/01_minimax_game.html",
    )
    assert tfgan_i18n.switch_link("exercises/notebooks/x", "zh_CN") == (
        "English",
        "../../../exercises/notebooks/x.html",
    )
    with pytest.raises(ValueError, match="Received: 'fr'"):
        tfgan_i18n.switch_link("index", "fr")


def test_chinese_run_banner_reads_the_english_note():
    record = {
        "wall_time_s": 390.0,
        "machine": "2-core Test CPU",
        "date": "2026-12-04",
        "load_average": 2.64,
    }
    note = tfgan_i18n.full_run_note_zh(tfgan_docs.full_run_note(record))
    assert note == (
        "本页显示完整模式的运行结果：用时 6.5 分钟，机器为 2-core Test CPU"
        "（2026-12-04，平均负载 2.6）。"
    )
    del record["load_average"]
    assert "平均负载" not in tfgan_i18n.full_run_note_zh(
        tfgan_docs.full_run_note(record)
    )
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="Received: 'Ran fast.'"):
        tfgan_i18n.full_run_note_zh("Ran fast.")
    smoke = tfgan_i18n.smoke_banner_zh("... because the full-mode run is stale: ...")
    assert "冒烟运行" in smoke and "（stale）" in smoke


def test_font_css_keeps_only_woff2():
    css = (
        "@font-face {\n  src: url(./files/a-4-400-normal.woff2) format('woff2'), "
        "url(./files/a-4-400-normal.woff) format('woff');\n}"
    )
    assert tfgan_i18n.font_css(css) == (
        "@font-face {\n  src: url(./files/a-4-400-normal.woff2) format('woff2');\n}"
    )


def test_english_only_pages():
    assert tfgan_i18n.is_english_only("api/tfgan_edu.losses")
    assert tfgan_i18n.is_english_only("exercises/projects/01_saturation")
    assert not tfgan_i18n.is_english_only("chapters/01_minimax_game")
    assert not tfgan_i18n.is_english_only("glossary")


def test_glossary_has_the_issue_terms():
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    rows = {
        cells[0]: cells[1]
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| English")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    for english, chinese in (
        ("generator", "生成器"),
        ("discriminator", "判别器"),
        ("minimax game", "极小极大博弈"),
        ("mode collapse", "模式崩溃"),
    ):
        assert rows[english] == chinese


# ----------------------------------------------------- the exercises' catalog


def test_every_exercise_and_question_has_a_chinese_entry():
    catalog = _core.catalog("zh_CN")
    missing = []
    for name, exercise in EXERCISES.items():
        entry = catalog["exercises"].get(name, {})
        for field in ("title", "summary", "task"):
            if not _CJK.search(entry.get(field, "")):
                missing.append(f"{name}.{field}")
        if not entry.get("hint"):  # some hints are code: the same in Chinese
            missing.append(f"{name}.hint")
        for mistake in exercise.mistakes:
            if not _CJK.search(entry.get("mistakes", {}).get(mistake.name, "")):
                missing.append(f"{name}.mistakes.{mistake.name}")
        if len(entry.get("cases", [])) != len(exercise.cases):
            missing.append(f"{name}.cases ({len(exercise.cases)} cases)")
        stale = set(entry.get("mistakes", {})) - {m.name for m in exercise.mistakes}
        missing += [f"{name}.mistakes.{m} (no such mistake)" for m in sorted(stale)]
    for name in QUESTIONS:
        entry = catalog["questions"].get(name, {})
        if not _CJK.search(entry.get("text", "")):
            missing.append(f"{name}.text")
        if not entry.get("hint"):
            missing.append(f"{name}.hint")
    extra = set(catalog["exercises"]) - set(EXERCISES)
    extra |= set(catalog["questions"]) - set(QUESTIONS)
    missing += [f"{name} (no such exercise)" for name in sorted(extra)]
    assert not missing, (
        "tfgan_edu/exercises/locale/zh_CN.json lacks Chinese texts for: "
        + ", ".join(missing)
    )
    assert set(catalog["messages"]) == set(_core.MESSAGES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_chinese_tasks_keep_maths_and_code(name):
    english = EXERCISES[name].task
    chinese = _core.catalog("zh_CN")["exercises"][name]["task"]
    display = re.compile(r"\$\$.*?\$\$", re.S)
    assert display.findall(english) == display.findall(chinese)
    lost = _kept(display.sub("", english)) - _kept(display.sub("", chinese))
    assert not lost, f"{name}: the Chinese task lost {sorted(lost)}"


def _saturating(fake_logits):
    from keras import ops

    return -ops.mean(ops.softplus(fake_logits))


def test_check_speaks_chinese():
    catalog = _core.catalog("zh_CN")["exercises"]["non_saturating_generator_loss"]
    result = tge.exercises.check(
        "non_saturating_generator_loss", _saturating, verbose=False
    )
    assert "Hint:" in result.message and "提示" not in result.message
    exercise = tge.exercises.get("non_saturating_generator_loss")
    result = _core.check_exercise(exercise, _saturating, language="zh_CN")
    assert not result.passed
    lines = result.message.splitlines()
    assert lines[0] == "✗ non_saturating_generator_loss：返回值：不同"
    assert lines[1] == f"  测试用例 1/3：{catalog['cases'][0]}"
    assert lines[-1] == f"  提示：{catalog['mistakes']['_g_loss_saturating']}"
    assert result.cases[0].description == catalog["cases"][0]
    # The public entry points take the language too.
    public = tge.exercises.check(
        "non_saturating_generator_loss", _saturating, verbose=False, language="zh_CN"
    )
    assert public.message == result.message
    [every] = tge.exercises.check_all(
        {"non_saturating_generator_loss": _saturating},
        exercises=["non_saturating_generator_loss"],
        verbose=False,
        language="zh_CN",
    )
    assert every.message == result.message
    with pytest.raises(ValueError, match=r"Received: language='fr'"):
        tge.exercises.check("fid_mean_shift", 9.0, verbose=False, language="fr")


def test_language_comes_from_the_environment(monkeypatch):
    def unfinished(p_data, p_g):
        raise NotImplementedError

    monkeypatch.setenv(_core.LANGUAGE_VAR, "zh_CN")
    result = tge.exercises.check("optimal_discriminator", unfinished, verbose=False)
    assert result.message.startswith("✗ optimal_discriminator：尚未实现")
    question = tge.exercises.check("fid_mean_shift", 8.0, verbose=False)
    hint = _core.catalog("zh_CN")["questions"]["fid_mean_shift"]["hint"]
    assert question.message == f"✗ fid_mean_shift：8 不正确。\n  提示：{hint}"
    monkeypatch.setenv(_core.LANGUAGE_VAR, "fr")
    with pytest.raises(ValueError, match=r"Expected one of \['en', 'zh_CN'\]"):
        tge.exercises.check("fid_mean_shift", 9.0, verbose=False)
    monkeypatch.delenv(_core.LANGUAGE_VAR)
    assert tge.exercises.check("fid_mean_shift", 9.0, verbose=False).message == (
        "✓ fid_mean_shift: 9 is right."
    )


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"Received: language='de'"):
        _core.resolve_language("de")
    with pytest.raises(ValueError, match=r"Received: language='de'"):
        tge.exercises.grading.grade_notebook("missing.ipynb", language="de")


def test_compare_phrases_are_translated():
    import numpy as np

    differences = [
        _core.compare("the returned value", np.zeros(3, "f4"), np.ones(3, "f4"), 0, 0),
        _core.compare("the returned value", np.zeros(3, "f4"), np.zeros(2, "f4"), 0, 0),
        _core.compare("the returned value", np.zeros(3, "f4"), np.zeros(3, "f8"), 0, 0),
        _core.compare("the returned value", np.zeros(3, "f4"), None, 0, 0),
        _core.compare("the returned value", 1.0, 2.0, 0, 0),
        _core.compare("the returned value", 1, 2.5, 0, 0),
        _core.compare(
            "the gradient with respect to `x`",
            np.zeros(2, "f4"),
            np.array([np.nan, 0], "f4"),
            0,
            0,
        ),
    ]
    for difference in differences:
        line = difference.lines("zh_CN")[0]
        words = re.sub(r"`[^`]*`|NaN|None|dtype", "", line)
        assert _CJK.search(line) and not re.search(r"[A-Za-z]{3,}", words), line


def test_grade_command_checks_the_language(capsys):
    status = cli.main(["grade", "missing.ipynb", "--language", "klingon"])
    assert status == 2
    assert "Expected one of ['en', 'zh_CN']" in capsys.readouterr().err


def test_grader_passes_the_language_to_the_kernel(tmp_path):
    from tfgan_edu.exercises import grading

    (tmp_path / "zh").mkdir()
    (tmp_path / "en").mkdir()
    assert grading._kernel_env(tmp_path / "zh", "zh_CN")[_core.LANGUAGE_VAR] == "zh_CN"
    assert grading._kernel_env(tmp_path / "en")[_core.LANGUAGE_VAR] == "en"


def test_catalog_is_package_data():
    text = (ROOT / "setup.cfg").read_text()
    assert "locale/*.json" in text
    json.loads((ROOT / "tfgan_edu" / "exercises" / "locale" / "zh_CN.json").read_text())


if __name__ == "__main__" and sys.argv[1:2] == ["--extract"]:
    sys.exit(extract(Path(sys.argv[2])))
