"""Keras-style docstrings (Markdown-ish) made valid reStructuredText for autodoc.

The package's docstrings follow Keras: Google-style sections for napoleon,
plus Markdown habits that reStructuredText reads differently or rejects:
pipe tables, fenced code blocks, indented code after a paragraph, lists
right under a paragraph, and inline code glued to a word (`Exercise`s).
`convert(lines)` rewrites those, leaving doctests and napoleon's sections
alone; it runs on `autodoc-process-docstring` before napoleon.
"""

from __future__ import annotations

import re

_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Keyword Args|Returns?|Yields?|Raises|"
    r"Examples?|Notes?|Attributes|Warnings?|References|See Also|Todo|Methods):\s*$"
)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^\s*[-*] \S")
_TOKEN = re.compile(r"``.+?``|`")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _escape(text: str) -> str:
    """Escapes what reStructuredText would read as markup in plain prose."""
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def _inline(text: str, in_code: bool = False) -> tuple[str, bool]:
    """Escapes prose and turns `code` into ``code``, across lines if need be.

    Returns the converted text and whether a code span is still open at its
    end (it continues on the next line of the paragraph).
    """
    out, pos = "", 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith("``"):  # already reST: keep
            if not in_code:
                out += _escape(text[pos : match.start()]) + token
                pos = match.end()
            continue
        if in_code:  # the closing backtick
            after = text[match.end() : match.end() + 1]
            glue = "\\ " if after and (after.isalnum() or after == "'") else ""
            out += text[pos : match.start()] + "``" + glue
        else:  # the opening backtick
            prose = _escape(text[pos : match.start()])
            before = prose[-1:]
            glue = (
                "\\ "
                if before and not before.isspace() and before not in "([{'\"/"
                else ""
            )
            out += prose + glue + "``"
        in_code = not in_code
        pos = match.end()
    rest = text[pos:]
    return out + (rest if in_code else _escape(rest)), in_code


def _table(rows: list[str], indent: str) -> list[str]:
    header, body = _cells(rows[0]), [_cells(r) for r in rows[2:]]
    out = [f"{indent}.. list-table::", f"{indent}   :header-rows: 1", ""]
    for row in [header, *body]:
        row = (row + [""] * len(header))[: len(header)]
        out.append(f"{indent}   * - {_inline(row[0])[0]}")
        out += [f"{indent}     - {_inline(cell)[0]}" for cell in row[1:]]
    return [*out, ""]


def convert(lines: list[str]) -> list[str]:
    """Returns the docstring's lines as reStructuredText (see the module doc)."""
    out: list[str] = []
    in_code = False  # inside an inline code span that started on an earlier line
    i, n = 0, len(lines)
    while i < n:
        line, stripped = lines[i], lines[i].strip()
        if stripped.startswith("```"):  # fenced code -> code-block
            indent = line[: _indent(line)]
            language = stripped[3:].strip() or "text"
            out += [f"{indent}.. code-block:: {language}", ""]
            i += 1
            while i < n and not lines[i].strip().startswith("```"):
                out.append(
                    f"{indent}   {lines[i][len(indent) :]}" if lines[i].strip() else ""
                )
                i += 1
            out.append("")
            i += 1
            continue
        if stripped.startswith(">>>"):  # a doctest block runs to the next blank line
            while i < n and lines[i].strip():
                out.append(lines[i])
                i += 1
            continue
        if "|" in stripped and i + 1 < n and _TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < n and lines[end].strip().startswith("|"):
                end += 1
            if out and out[-1].strip():
                out.append("")
            out += _table(lines[i:end], line[: _indent(line)])
            i = end
            continue
        previous = next((p for p in reversed(out) if p.strip()), "")
        if (
            stripped
            and out
            and not out[-1].strip()
            and previous
            and _indent(line) > _indent(previous)
            and not _SECTION.match(previous)
            and not _BULLET.match(previous)
        ):  # Markdown's indented code after a paragraph -> literal block
            k = len(out) - 1 - next(j for j, p in enumerate(reversed(out)) if p.strip())
            if out[k].rstrip().endswith(":"):
                out[k] += ":"  # "text:" + "::" is RST's "text:" then a literal block
            else:
                out[k + 1 : k + 1] = ["", ".. code-block:: text"]
            base = _indent(previous)
            while i < n and (not lines[i].strip() or _indent(lines[i]) > base):
                out.append(lines[i])
                i += 1
            continue
        if (
            _BULLET.match(line)
            and out
            and out[-1].strip()
            and not _SECTION.match(out[-1])
        ):
            if not _BULLET.match(out[-1]) and _indent(out[-1]) <= _indent(line):
                out.append("")  # RST needs a blank line before a list
        if stripped:
            text, in_code = _inline(line[_indent(line) :], in_code)
            out.append(line[: _indent(line)] + text)
        else:
            out.append("")
            in_code = False  # a span never crosses a paragraph
        i += 1
    return out


def process_docstring(app, what, name, obj, options, lines) -> None:
    lines[:] = convert(lines)


def setup(app):
    # Before napoleon (priority 500), which reads the Google-style sections.
    app.connect("autodoc-process-docstring", process_docstring, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
