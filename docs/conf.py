"""Sphinx configuration of the tfgan_edu documentation (`make docs`)."""

import os
import sys

sys.path.insert(0, os.path.abspath("_ext"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import tfgan_edu  # noqa: E402

project = "tfgan_edu"
author = "the tfgan_edu authors"
copyright = "the tfgan_edu authors, Apache-2.0"  # noqa: A001 - Sphinx's name
release = version = tfgan_edu.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "markdown_docstrings",
    "tfgan_docs",
    "tfgan_i18n",
]

# The chapters are rendered from executed copies (see _ext/tfgan_docs.py).
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# Docstrings: Google style, `code` in single backticks as in Keras.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True  # dataclass fields are documented once, as fields
default_role = "literal"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"undoc-members": False}
autodoc_inherit_docstrings = False  # Keras' own docstrings are not reST

exclude_patterns = [
    "_build",
    "_static",
    "**/.ipynb_checkpoints",
    "exercises/_table.md",
    "executed",
]
html_theme = "furo"
html_title = f"tfgan_edu {release}"
html_static_path = ["_static"]
html_css_files = ["tfgan.css"]
# Maths is typeset by the MathJax the site serves itself (_static/mathjax,
# fetched at build time by _ext/tfgan_docs.py): no CDN at view time.
mathjax_path = "mathjax/tex-mml-chtml.js"

# Translations (see "Translations" in contributing.md): Sphinx's gettext
# workflow, one catalog per page in locale/<language>/LC_MESSAGES/. The
# Chinese edition is built with `-D language=zh_CN` into _build/html/zh_CN
# (`make docs`); _ext/tfgan_i18n.py adds the language switch, the Chinese
# web font and the Chinese run banners.
# Sphinx reads a copy of locale/ in _build/locale, made by _ext/tfgan_i18n.py
# before every build, and writes its compiled .mo files there, not into the
# sources (`make docs-pot` updates locale/ itself).
locale_dirs = ["_build/locale/"]
gettext_compact = False  # a catalog per page, so a lagging page is named
gettext_uuid = False
gettext_location = False  # no source line numbers: catalogs change only with text
gettext_last_translator = "the tfgan_edu authors"
gettext_language_team = "tfgan_edu"
