"""Sphinx extension of the tfgan_edu site: generated pages and executed chapters.

Before Sphinx reads the sources (`builder-inited`), it writes:

- `chapters/NN_*.ipynb`: every `notebooks/*.ipynb`, executed. A fresh copy
  from the cache of `tfgan_edu._notebook_cache` (which the notebook smoke
  test fills) is used as is; otherwise the notebook runs here, in the mode
  of `$TFGAN_EDU_DOCS_NOTEBOOKS` (`smoke`, the default, or `full`), and the
  result is cached for the next build. MyST-NB renders the copies without
  executing anything (`nb_execution_mode = "off"`).
- `exercises/notebooks/*.ipynb`: the exercise notebooks, as handed out.
- `exercises/_table.md`: the table of exercises.
- `api/tfgan_edu.*.md`: one autodoc page per public module of the package.

New chapters, exercises and modules appear without editing the docs.
"""

from __future__ import annotations

import os
import pkgutil
import time
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
MODE_VAR = "TFGAN_EDU_DOCS_NOTEBOOKS"
# Modules without a page: the command line's entry point is documented in
# the guides, private helpers not at all.
SKIP_MODULES = {"__main__"}
# (The exercises' chapter modules, which hold the reference solutions, are
# not exported by `tfgan_edu.exercises`: a course's site does not show them.)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _clear(folder: Path, pattern: str, keep: set[str]) -> None:
    for path in folder.glob(pattern):
        if path.name not in keep:
            path.unlink()


def prepare_chapters(srcdir: Path) -> list[Path]:
    """Executed copies of the chapter notebooks in `srcdir/chapters`."""
    import nbformat

    from tfgan_edu import _notebook_cache as cache

    mode = os.environ.get(MODE_VAR, "smoke")
    folder = cache.cache_dir(srcdir / "_build" / "executed")
    target = srcdir / "chapters"
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    _clear(target, "*.ipynb", {p.name for p in sources})
    written = []
    for source in sources:
        nb = cache.load(source, folder, mode)
        if nb is None:
            logger.info(f"[tfgan_docs] executing {source.name} ({mode} mode)...")
            start = time.perf_counter()
            nb = cache.execute(source, mode)
            cache.store(nb, source, folder, mode)
            logger.info(
                f"[tfgan_docs] {source.name}: {time.perf_counter() - start:.0f} s"
            )
        else:
            logger.info(f"[tfgan_docs] {source.name}: executed copy from {folder}")
        path = target / source.name
        text = nbformat.writes(nb)
        _write_if_changed(path, text)
        written.append(path)
    return written


def prepare_exercises(srcdir: Path) -> None:
    """The exercise notebooks (as handed out) and the table of exercises."""
    import tfgan_edu as tge

    target = srcdir / "exercises" / "notebooks"
    target.mkdir(exist_ok=True)
    sources = sorted((NOTEBOOKS / "exercises").glob("*.ipynb"))
    _clear(target, "*.ipynb", {p.name for p in sources})
    for source in sources:
        _write_if_changed(target / source.name, source.read_text(encoding="utf-8"))
    _write_if_changed(
        srcdir / "exercises" / "_table.md",
        tge.exercises.list()._repr_markdown_() + "\n",
    )


def _module_page(name: str) -> str:
    return (
        f"# `{name}`\n\n"
        "```{eval-rst}\n"
        f".. automodule:: {name}\n"
        "   :members:\n"
        "   :show-inheritance:\n"
        "```\n"
    )


def _public_modules() -> list[str]:
    """`tfgan_edu.X` for every public module, and `tfgan_edu.X.Y` for the
    submodules a package exports in its `__all__` (`tge.data.toy2d`)."""
    import importlib
    import types

    import tfgan_edu

    names = []
    for info in pkgutil.iter_modules(tfgan_edu.__path__):
        if info.name.startswith("_") or info.name in SKIP_MODULES:
            continue
        name = f"tfgan_edu.{info.name}"
        names.append(name)
        package = importlib.import_module(name)
        names += [
            f"{name}.{member}"
            for member in getattr(package, "__all__", ())
            if info.ispkg
            if isinstance(getattr(package, member, None), types.ModuleType)
        ]
    return names


def prepare_api(srcdir: Path) -> None:
    """One page per public module (see `_public_modules`)."""
    target = srcdir / "api"
    names = _public_modules()
    _clear(target, "tfgan_edu.*.md", {f"{n}.md" for n in names})
    for name in names:
        _write_if_changed(target / f"{name}.md", _module_page(name))


def _prepare(app) -> None:
    srcdir = Path(app.srcdir)
    prepare_chapters(srcdir)
    prepare_exercises(srcdir)
    prepare_api(srcdir)


def setup(app):
    app.connect("builder-inited", _prepare)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
