"""Sphinx extension of the tfgan_edu site: its translated editions.

The site is written in English; the Chinese edition (`zh_CN`) is built from
the same sources with Sphinx's gettext workflow (see "Translations" in
docs/contributing.md): `make docs-pot` extracts every page's messages into
`docs/_build/gettext/*.pot` and updates the catalogs in
`docs/locale/zh_CN/LC_MESSAGES/`, translators fill in the `.po` files, and
`make docs` builds both editions, the Chinese one with `-D language=zh_CN`
into `docs/_build/html/zh_CN/`. This extension adds what the catalogs
cannot:

- a link to the same page in the other language at the top of every page;
- for the Chinese edition, a Simplified Chinese web font served by the site
  itself (the npm package `@fontsource/noto-sans-sc`, fetched once with
  `npm pack` at build time like MathJax, weights 400 and 700 only, WOFF2
  only), so that a browser without CJK fonts shows no missing glyphs;
- the chapter pages' run banners in Chinese: they are written at build time
  from each run's record (`tfgan_docs.full_run_note`), so they are kept out
  of the catalogs and composed here instead;
- the table of exercises (`exercises/_table.md`, written from the registry
  at build time) is kept out of the catalogs too: the Chinese edition
  takes its summaries from the exercises' own catalog
  (`tfgan_edu/exercises/locale/zh_CN.json`), which a test keeps complete,
  so a new exercise needs no new message here;
- pages without a catalog (`ENGLISH_ONLY`: the API reference, generated
  from docstrings, and the project briefs) stay English in the Chinese
  edition under a note that says so, and the gettext builder writes no
  template for them.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from tfgan_docs import npm_pack

logger = logging.getLogger(__name__)

# The editions: language code -> (name shown in the switch, folder of its
# HTML under the site's root).
LANGUAGES = {"en": ("English", ""), "zh_CN": ("中文", "zh_CN/")}
# Pages with no catalog: English in every edition.
ENGLISH_ONLY = ("api/*", "exercises/projects/*", "contributing")
# The Chinese web font, served from the site (no CDN at view time).
FONT = "@fontsource/noto-sans-sc@5.3.0"
FONT_INTEGRITY = (
    "sha512-HeqIlGm0+ohOKxZLuHj1qW6r6avHH0OWdKERAcSDI0RQ+MXrteuLKA+M+5eOA8rYy0MF"
    "vOR5AT0fQo2rUkye0Q=="
)
FONT_FAMILY = "Noto Sans SC"
FONT_WEIGHTS = (400, 700)
FONT_CSS = "noto-sans-sc.css"
# Where the font is unpacked (outside the sources: only the Chinese edition
# copies it into its _static/).
FONT_DIR = Path(__file__).resolve().parents[1] / "_build" / "fonts"
# The catalogs (docs/locale) and the copy Sphinx reads (`locale_dirs` in
# conf.py), where it writes the compiled .mo files: outside the sources.
LOCALE_SOURCE = Path(__file__).resolve().parents[1] / "locale"
LOCALE_BUILD = Path(__file__).resolve().parents[1] / "_build" / "locale"

_FULL_RUN = re.compile(
    r"Executed in full mode in (?P<minutes>[\d.]+) min on (?P<machine>.+) "
    r"\((?P<date>\d{4}-\d{2}-\d{2})(?:, load average (?P<load>[\d.]+))?\)\.$"
)
_SMOKE_STATUS = re.compile(r"full-mode run is (\w+)")
_BANNERS = ("tfgan-full-run", "tfgan-smoke-run")


def is_english_only(docname: str) -> bool:
    """Whether the page `docname` has no catalog (see `ENGLISH_ONLY`)."""
    return any(fnmatch.fnmatch(docname, pattern) for pattern in ENGLISH_ONLY)


def switch_link(pagename: str, language: str) -> tuple[str, str]:
    """The language switch of page `pagename` in edition `language`.

    Returns:
        `(label, href)`: the other edition's name and the relative URL of
        the same page there (the Chinese edition lives in `zh_CN/` below
        the English one).

    Example:

    >>> switch_link("chapters/01_minimax_game", "en")
    ('中文', '../zh_CN/chapters/01_minimax_game.html')
    >>> switch_link("index", "zh_CN")
    ('English', '../index.html')
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"Expected a language in {sorted(LANGUAGES)}. Received: {language!r}"
        )
    other = "zh_CN" if language == "en" else "en"
    up = "../" * (pagename.count("/") + (language != "en"))
    return LANGUAGES[other][0], f"{up}{LANGUAGES[other][1]}{pagename}.html"


def full_run_note_zh(english: str) -> str:
    """The Chinese form of a chapter's full-run note (`tfgan_docs.full_run_note`).

    Example:

    >>> full_run_note_zh("Executed in full mode in 6.5 min on 2-core CPU "
    ...                  "(2026-12-04, load average 2.6).")
    '本页显示完整模式的运行结果：用时 6.5 分钟，机器为 2-core CPU（2026-12-04，平均负载 2.6）。'
    """
    match = _FULL_RUN.match(english.strip())
    if match is None:
        raise ExtensionError(
            "Expected a note like 'Executed in full mode in N min on <machine> "
            f"(<date>, load average L).' Received: {english!r}"
        )
    load = f"，平均负载 {match['load']}" if match["load"] else ""
    return (
        f"本页显示完整模式的运行结果：用时 {match['minutes']} 分钟，"
        f"机器为 {match['machine']}（{match['date']}{load}）。"
    )


def smoke_banner_zh(english: str) -> str:
    """The Chinese form of a chapter's smoke-run warning (`tfgan_docs`)."""
    match = _SMOKE_STATUS.search(english)
    status = match.group(1) if match else "missing"
    return (
        "本页显示的是**冒烟运行**（`TFGAN_EDU_SMOKE=1`：很小的数据、寥寥几步训练），"
        f"因为本章提交的完整模式运行结果不可用（{status}）：其中的图片和数字并非本章的结果。"
        "请自己运行该 notebook 查看。"
    )


# The table of exercises (`ExerciseTable._repr_markdown_`): its header, and
# the Chinese header.
EXERCISE_TABLE_HEADER = ("chapter", "exercise", "what the student writes")
EXERCISE_TABLE_HEADER_ZH = ("章", "练习", "学生要写的内容")
CODE_NOTE_ZH = "代码、代码输出和图中的文字保持英文原样。"
ENGLISH_ONLY_NOTE_ZH = "本页尚无中文翻译，以下为英文原文。"


class RunBanners(SphinxTransform):
    """Keeps run banners and display maths out of the catalogs; Chinese banners.

    Runs before Sphinx's own `Locale` transform (priority 20), which then
    leaves the banners' text and the display formulas (`$$ ... $$`, the same
    in every language) alone. In the Chinese edition, the banner of a
    chapter page is replaced by its Chinese form, and a page without a
    catalog gets a note that it is shown in English.
    """

    default_priority = 10

    def apply(self, **kwargs) -> None:
        chinese = self.config.language == "zh_CN"
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        for node in list(self.document.findall(nodes.Element)):
            if not set(node.get("classes", ())) & set(_BANNERS):
                continue
            for text in node.findall(nodes.TextElement):
                text["translatable"] = False
            if chinese:
                self._translate_banner(node)
        for table in list(self.document.findall(nodes.table)):
            if _header(table) == EXERCISE_TABLE_HEADER:
                for text in table.findall(nodes.TextElement):
                    text["translatable"] = False
                if chinese:
                    translate_exercise_table(table)
        if chinese and is_english_only(self.env.docname):
            self._prepend(nodes.note("", nodes.paragraph("", ENGLISH_ONLY_NOTE_ZH)))

    def _translate_banner(self, banner: nodes.Element) -> None:
        body = [p for p in banner.findall(nodes.paragraph)]
        if not body:
            return
        english = body[-1].astext()
        if "tfgan-full-run" in banner["classes"]:
            text = full_run_note_zh(english) + CODE_NOTE_ZH
            new = nodes.paragraph("", text)
        else:
            new = nodes.paragraph()
            text = smoke_banner_zh(english) + CODE_NOTE_ZH
            # Bold and code as in the English banner.
            for piece in re.split(r"(\*\*[^*]+\*\*|`[^`]+`)", text):
                if piece.startswith("**"):
                    new += nodes.strong("", piece[2:-2])
                elif piece.startswith("`"):
                    new += nodes.literal("", piece[1:-1])
                elif piece:
                    new += nodes.Text(piece)
        new["translatable"] = False
        body[-1].replace_self(new)

    def _prepend(self, node: nodes.Element) -> None:
        section = next(iter(self.document.findall(nodes.section)), None)
        if section is None:
            return
        titles = [
            i for i, c in enumerate(section.children) if isinstance(c, nodes.title)
        ]
        section.insert(titles[0] + 1 if titles else 0, node)


def _header(table: nodes.table) -> tuple[str, ...]:
    head = next(iter(table.findall(nodes.thead)), None)
    if head is None:
        return ()
    return tuple(entry.astext().strip() for entry in head.findall(nodes.entry))


def translate_exercise_table(table: nodes.table) -> None:
    """The table of exercises in Chinese: header, and each exercise's summary
    from `tfgan_edu/exercises/locale/zh_CN.json` (English where it has none)."""
    from tfgan_edu.exercises._core import catalog

    summaries = catalog("zh_CN")["exercises"]
    head = next(iter(table.findall(nodes.thead)))
    for entry, text in zip(head.findall(nodes.entry), EXERCISE_TABLE_HEADER_ZH):
        entry.children = [nodes.paragraph("", text, translatable=False)]
    for row in next(iter(table.findall(nodes.tbody))).findall(nodes.row):
        cells = [c for c in row.children if isinstance(c, nodes.entry)]
        if len(cells) < 3:
            continue
        summary = summaries.get(cells[1].astext().strip(), {}).get("summary")
        if summary:
            cells[2].children = [nodes.paragraph("", summary, translatable=False)]


def font_css(package_css: str) -> str:
    """A fontsource stylesheet reduced to its WOFF2 sources.

    Example:

    >>> font_css("src: url(./files/a-400-normal.woff2) format('woff2'), "
    ...          "url(./files/a-400-normal.woff) format('woff');")
    "src: url(./files/a-400-normal.woff2) format('woff2');"
    """
    return re.sub(r", url\([^)]*\.woff\) format\('woff'\)", "", package_css)


def ensure_font(folder: Path = FONT_DIR) -> Path:
    """The Chinese web font in `folder`, fetched once with npm.

    `folder/noto-sans-sc.css` declares the `@font-face` rules of the weights
    in `FONT_WEIGHTS` (each split by unicode-range into about a hundred
    WOFF2 files, of which a browser loads only those its page needs) and
    makes it the body font; `folder/files/` holds the WOFF2 files.
    """
    if (folder / FONT_CSS).is_file():
        return folder
    with tempfile.TemporaryDirectory(prefix="tfgan_font_") as tmp:
        package = npm_pack(
            FONT, FONT_INTEGRITY, Path(tmp), "for the Chinese edition; install Node.js"
        )
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        (partial / "files").mkdir(parents=True)
        css = [f"/* {FONT} (SIL Open Font License 1.1, see LICENSE) */"]
        for weight in FONT_WEIGHTS:
            css.append(font_css((package / f"{weight}.css").read_text("utf-8")))
            for path in (package / "files").glob(f"*-{weight}-normal.woff2"):
                shutil.copy(path, partial / "files" / path.name)
        css.append(
            "/* The body font of the Chinese edition (furo's --font-stack). */\n"
            f"html body {{ --font-stack: '{FONT_FAMILY}', -apple-system, "
            "BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif; }"
        )
        (partial / FONT_CSS).write_text("\n".join(css) + "\n", encoding="utf-8")
        shutil.copy(package / "LICENSE", partial / "LICENSE")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return folder


def mirror_catalogs(source: Path = LOCALE_SOURCE, target: Path = LOCALE_BUILD) -> int:
    """Copies the `.po` catalogs of `source` into `target` (what Sphinx reads).

    Sphinx compiles each catalog into a `.mo` file next to it; reading a
    copy keeps those out of the repository. Unchanged catalogs are left as
    they are (with their `.mo`), and catalogs gone from `source` are removed.

    Returns:
        The number of catalogs copied.
    """
    copied = 0
    wanted = set()
    for po in source.rglob("*.po"):
        relative = po.relative_to(source)
        wanted.add(relative)
        copy = target / relative
        if not copy.exists() or copy.read_bytes() != po.read_bytes():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(po, copy)
            copied += 1
    for copy in list(target.rglob("*.po")) if target.exists() else []:
        if copy.relative_to(target) not in wanted:
            copy.unlink()
            copy.with_suffix(".mo").unlink(missing_ok=True)
    return copied


def _config_inited(app, config) -> None:
    mirror_catalogs()
    if config.language == "zh_CN":
        config.html_static_path.append(str(ensure_font()))
        config.html_css_files.append(FONT_CSS)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context:
        return
    language = app.config.language if app.config.language in LANGUAGES else "en"
    label, href = switch_link(pagename, language)
    lang = "zh-CN" if label == "中文" else "en"
    context["body"] = (
        f'<p class="tfgan-language-switch" style="text-align: right"><a href="{href}" hreflang="{lang}" '
        f'lang="{lang}">{label}</a></p>\n' + context["body"]
    )


def _prune_templates(app, exception) -> None:
    """The gettext builder writes no template for the `ENGLISH_ONLY` pages."""
    if exception is not None or app.builder.name != "gettext":
        return
    out = Path(app.outdir)
    for pot in out.rglob("*.pot"):
        if is_english_only(pot.relative_to(out).with_suffix("").as_posix()):
            pot.unlink()
    for folder in sorted(out.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def setup(app):
    app.connect("config-inited", _config_inited)
    app.add_transform(RunBanners)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _prune_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# ------------------------------------------------- exercise notebook pages

# The exercise notebooks' own paragraphs (tfgan_edu/exercises/notebook.py);
# their tasks and questions come from the exercises' catalog.
NOTEBOOK_TEXTS_ZH = {
    "Write each function below: replace `raise NotImplementedError` with your "
    "code, run the cell, then run the check cell under it. `tge.exercises.check` "
    "calls your function on fixed inputs and compares values, shapes, dtypes "
    "and, where training differentiates the function, gradients with what the "
    "reference solution returned. It prints `✓ ... passed` or the first "
    "difference, with the expected and received values and a hint. Each case "
    "earns its share of the exercise's point (partial credit). Write the "
    "computation yourself: calling the library's own version (`tge.losses....`) "
    "scores 0. The concept questions at the end take one number each.": (
        "请写出下面的每个函数：把 `raise NotImplementedError` 换成你的代码，运行该单元，"
        "然后运行它下面的检查单元。`tge.exercises.check` 在固定的输入上调用你的函数，"
        "并把值、形状、dtype，以及（在训练中需要对该函数求导时的）梯度与参考解的返回结果"
        "比较。它会打印 `✓ ... passed`，或者第一处不同，附上期望值、实际值和提示。每个"
        "测试用例各得该练习分数的一部分（部分得分）。请自己写出计算过程：调用库中现成的"
        "版本（`tge.losses....`）得 0 分。最后的概念题每题只需回答一个数。（设置 "
        "`TFGAN_EDU_LANGUAGE=zh_CN` 可让检查以中文给出反馈。）"
    ),
    "Keep the function names and signatures: the last cell checks everything "
    "again and prints your score, and your instructor may grade the notebook "
    "with `tfgan-edu grade` (which runs it in an empty folder: do not read "
    "other files).": (
        "请保持函数名和签名不变：最后一个单元会把所有内容重新检查一遍并打印你的分数，"
        "你的老师也可能用 `tfgan-edu grade` 给这个 notebook 评分（它在一个空文件夹中"
        "运行 notebook：不要读取其他文件）。"
    ),
    "Your score": "你的分数",
    "Every exercise and question of this notebook, checked again:": (
        "本 notebook 的每个练习和问题，重新检查一遍："
    ),
}
CHAPTER_TITLES_ZH = {
    "What is a GAN?": "什么是 GAN？",
    "The minimax game": "极小极大博弈",
    "DCGAN on images": "图像上的 DCGAN",
    "Conditional GANs": "条件 GAN",
    "Evaluating GANs": "评估 GAN",
    "GANs and VAEs": "GAN 与 VAE",
    "Training instability": "训练不稳定",
    "Image-to-image translation": "图像到图像翻译",
}
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _join(lines: list[str], chinese: bool) -> str:
    """Lines of one paragraph as gettext has them: joined by spaces, except
    between Chinese characters (no space there)."""
    out = ""
    for line in (line.strip() for line in lines):
        if not out:
            out = line
        elif chinese and (_CJK_EDGE.match(line[:1]) or _CJK_EDGE.match(out[-1:])):
            out += line
        else:
            out += " " + line
    return out


def markdown_units(text: str, chinese: bool = False) -> list[str]:
    r"""The messages gettext extracts from a task's Markdown, in order:
    paragraphs and list items; display maths is left out.

    Example:

    >>> markdown_units("A\nb.\n\n$$\nx\n$$\n\n1. one\n   more;\n2. two.")
    ['A b.', 'one more;', 'two.']
    """
    units = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.lstrip().startswith("$$"):
            continue
        lines = block.split("\n")
        if not re.match(r"^(\d+\.|-) ", lines[0]):
            units.append(_join(lines, chinese))
            continue
        items: list[list[str]] = []
        for line in lines:
            item = re.match(r"^(\d+\.|-) (.*)", line)
            if item:
                items.append([item.group(2)])
            else:
                items[-1].append(line)
        units += [_join(item, chinese) for item in items]
    return units


def exercise_page_translations() -> dict[str, str]:
    """English message -> Chinese, for the exercise notebook pages, from the
    exercises' catalog (tasks, titles, questions) and `NOTEBOOK_TEXTS_ZH`.

    A task whose Chinese has another number of paragraphs than its English
    is left out (its messages stay for a translator).
    """
    from tfgan_edu.exercises._core import catalog
    from tfgan_edu.exercises._registry import EXERCISES, QUESTIONS

    texts = catalog("zh_CN")
    table = dict(NOTEBOOK_TEXTS_ZH)
    for name, exercise in EXERCISES.items():
        entry = texts["exercises"].get(name, {})
        english = markdown_units(exercise.task)
        chinese = markdown_units(entry.get("task", ""), chinese=True)
        if len(english) == len(chinese):
            table.update(zip(english, chinese))
        if entry.get("title"):
            table[exercise.title] = entry["title"]
    for name, question in QUESTIONS.items():
        entry = texts["questions"].get(name, {})
        if entry.get("text"):
            table[_join(question.text.split("\n"), False)] = entry["text"]
    return table


def _translate_exercise_message(english: str, table: dict[str, str]) -> str | None:
    if english in table:
        return table[english]
    numbered = re.match(r"^(\d+\.\d+) (.*)$", english)
    if numbered and numbered.group(2) in table:
        return f"{numbered.group(1)} {table[numbered.group(2)]}"
    question = re.match(r"^Concept question (`[^`]+`)$", english)
    if question:
        return f"概念题 {question.group(1)}"
    title = re.match(r"^Exercises for chapter (\d+): (.*)$", english)
    if title and title.group(2) in CHAPTER_TITLES_ZH:
        return f"第 {title.group(1)} 章练习：{CHAPTER_TITLES_ZH[title.group(2)]}"
    return None


def fill_exercise_catalogs(locale: Path) -> dict[str, int]:
    """Fills the untranslated and fuzzy messages of the exercise notebook
    pages' catalogs (`locale/exercises/notebooks/*.po`) from the exercises'
    catalog; `make docs-pot` runs it after `sphinx-intl update`.

    Returns:
        Per catalog, how many messages are still untranslated or fuzzy.
    """
    from babel.messages.pofile import read_po, write_po

    table = exercise_page_translations()
    left = {}
    for path in sorted((locale / "exercises" / "notebooks").glob("*.po")):
        with open(path, "rb") as file:
            po = read_po(file, locale="zh_CN")
        for message in po:
            if not message.id or (message.string and not message.fuzzy):
                continue
            chinese = _translate_exercise_message(message.id, table)
            if chinese is not None:
                message.string = chinese
                message.flags.discard("fuzzy")
        with open(path, "wb") as file:
            write_po(file, po, width=76, include_previous=True)
        left[path.name] = sum(1 for m in po if m.id and (not m.string or m.fuzzy))
    return left


if __name__ == "__main__":  # `make docs-pot`
    import sys

    for name, count in fill_exercise_catalogs(Path(sys.argv[1])).items():
        print(f"{name}: {count} messages left to translate")
