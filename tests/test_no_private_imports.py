"""No module of `tfgan_edu` reaches into another module's private names.

What modules share gets a public home (`models/_common.py`,
`networks/_layers.py`, ...): importing a private *module* is fine, importing
a private *name* is not. The scan reads every `tfgan_edu/**/*.py` with `ast`
and reports, as `file:line`:

- `from tfgan_edu.x import _name` (or the relative `from .x import _name`)
  where `_name` is not a submodule of `tfgan_edu.x`;
- `alias._name` where `alias` is a `tfgan_edu` module the file imported
  (`dcgan._init(...)`, `tfgan_edu.networks.dcgan._init`).

Dunder names (`__version__`, `__all__`) and `from __future__` are allowed.
"""

import ast
import pathlib
import textwrap

PACKAGE = "tfgan_edu"
ROOT = pathlib.Path(__file__).resolve().parents[1]


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted, root):
    """Whether `dotted` names a module or package of the source tree."""
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _resolve(node, module, is_package):
    """The absolute module a `from ... import` statement reads from."""
    if not node.level:
        return node.module
    parts = module.split(".")
    # A package's `__init__` is its own anchor; a module's anchor is its parent.
    drop = node.level - 1 if is_package else node.level
    base = parts[: len(parts) - drop] if drop else parts
    if node.module:
        base = base + node.module.split(".")
    return ".".join(base)


def _attribute_chain(node):
    """`a.b.c` as `["a", "b", "c"]`, or None for anything but names."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return names[::-1]


def private_uses(source, path, root):
    """Every private name `source` (the file at `path`) takes from a module.

    Returns a list of `"file:line: message"` strings, empty when clean.
    """
    module = _module_name(path, root)
    is_package = path.name == "__init__.py"
    rel = path.relative_to(root).as_posix()
    tree = ast.parse(source, filename=str(path))
    problems = []
    modules = {}  # local name -> dotted tfgan_edu module it is bound to

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                continue
            source_module = _resolve(node, module, is_package)
            if source_module != PACKAGE and not source_module.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                dotted = f"{source_module}.{alias.name}"
                if _is_module(dotted, root):
                    modules[alias.asname or alias.name] = dotted
                elif _is_private(alias.name):
                    problems.append(
                        f"{rel}:{node.lineno}: imports private name "
                        f"{alias.name!r} from {source_module}"
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name != PACKAGE and not alias.name.startswith(PACKAGE + "."):
                    continue
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    modules[PACKAGE] = PACKAGE

    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = _attribute_chain(node)
        if chain is None or chain[0] not in modules:
            continue
        # Only the longest chain is checked: skip `a.b` when `a.b.c` is seen.
        current = modules[chain[0]]
        for name in chain[1:]:
            dotted = f"{current}.{name}"
            if _is_module(dotted, root):
                current = dotted
                continue
            if _is_private(name):
                problems.append(
                    f"{rel}:{node.lineno}: uses private name {name!r} of {current}"
                )
            break
    return sorted(set(problems), key=lambda p: (p.split(":")[0], int(p.split(":")[1])))


def test_no_module_uses_another_modules_private_names():
    problems = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        problems += private_uses(path.read_text(encoding="utf-8"), path, ROOT)
    assert not problems, "Private names used across modules:\n" + "\n".join(problems)


def _scan(tmp_path, files, target):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    path = tmp_path / target
    return private_uses(path.read_text(encoding="utf-8"), path, tmp_path)


_TREE = {
    "tfgan_edu/__init__.py": "__version__ = '0'\n",
    "tfgan_edu/_checks.py": "def check_int(): pass\n",
    "tfgan_edu/nets/__init__.py": "",
    "tfgan_edu/nets/_layers.py": "def init(): pass\n",
    "tfgan_edu/nets/dcgan.py": "def _init(): pass\n",
}


def test_scan_flags_each_kind_of_private_use(tmp_path):
    files = dict(_TREE)
    files["tfgan_edu/nets/vae.py"] = """\
        from tfgan_edu.nets.dcgan import _init
        from .dcgan import _init as init2
        from tfgan_edu.nets import dcgan
        import tfgan_edu.nets.dcgan as dc
        import tfgan_edu

        dcgan._init()
        dc._init()
        tfgan_edu.nets.dcgan._init()
        """
    assert _scan(tmp_path, files, "tfgan_edu/nets/vae.py") == [
        "tfgan_edu/nets/vae.py:1: imports private name '_init' from tfgan_edu.nets.dcgan",
        "tfgan_edu/nets/vae.py:2: imports private name '_init' from tfgan_edu.nets.dcgan",
        "tfgan_edu/nets/vae.py:7: uses private name '_init' of tfgan_edu.nets.dcgan",
        "tfgan_edu/nets/vae.py:8: uses private name '_init' of tfgan_edu.nets.dcgan",
        "tfgan_edu/nets/vae.py:9: uses private name '_init' of tfgan_edu.nets.dcgan",
    ]


def test_scan_flags_relative_import_from_a_package_init(tmp_path):
    files = dict(_TREE)
    files["tfgan_edu/nets/__init__.py"] = "from .dcgan import _init\n"
    assert _scan(tmp_path, files, "tfgan_edu/nets/__init__.py") == [
        "tfgan_edu/nets/__init__.py:1: imports private name '_init' from tfgan_edu.nets.dcgan",
    ]


def test_scan_allows_private_modules_public_names_and_dunders(tmp_path):
    files = dict(_TREE)
    files["tfgan_edu/nets/vae.py"] = """\
        from __future__ import annotations
        from tfgan_edu import __version__, _checks
        from tfgan_edu.nets import _layers
        from tfgan_edu.nets._layers import init
        from . import _layers as layers
        from .._checks import check_int
        import tfgan_edu
        import numpy as np

        _layers.init()
        layers.init()
        _checks.check_int()
        tfgan_edu._checks.check_int()
        tfgan_edu.nets._layers.init()
        np._NoValue
        _layers.init.__doc__
        """
    assert _scan(tmp_path, files, "tfgan_edu/nets/vae.py") == []
