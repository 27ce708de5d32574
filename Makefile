# tfgan_edu: `make demo` and `make test` work on a fresh machine.
# Both create the virtual environment in .venv when it is missing and
# install the package with the versions pinned in constraints.txt, with the
# JAX and PyTorch backends (CPU builds) for the backend parity tests.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tfgan_edu-installed
DEMO_OUT ?= demo_output
DOCS_HTML ?= docs/_build/html
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` / `make test-fast` (0: one process).
# The notebook and docs tests stay together on one worker (xdist_group), and
# each worker's BLAS (and PyTorch's OpenMP pool: its spinning threads made a
# step 8 times slower on 2 busy cores) runs on one thread so that two
# workers share 2 cores.
TEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadgroup

export TF_CPP_MIN_LOG_LEVEL ?= 2
export KERAS_BACKEND := tensorflow
export MPLBACKEND := Agg

.PHONY: help install demo test test-fast test-backends lint format benchmark benchmark-metrics clean \
	notebooks tag-notebooks gallery docs docs-zh docs-pot

help:
	@echo "make demo       train the default models on embedded data, write pictures + metrics to $(DEMO_OUT)/"
	@echo "make test       run the whole test suite (unit, end-to-end, doctests, notebooks)"
	@echo "make test-fast  the suite without the slow end-to-end and notebook tests"
	@echo "make test-backends  GAN on TensorFlow, JAX and PyTorch: parity tests, one process per backend"
	@echo "make lint       ruff check + format check"
	@echo "make benchmark  throughput (fit vs hand-written TF vs PyTorch), oneDNN off vs on, each layer's time, time to a result, then the README's speed tables"
	@echo "make docs       build the documentation site into $(DOCS_HTML)/ (warnings are errors), English and Chinese"
	@echo "make docs-zh    build only the Chinese edition (中文版) into $(DOCS_HTML)/zh_CN/"
	@echo "make docs-pot   extract the pages' messages and update the catalogs in docs/locale/"
	@echo "make notebooks  run the chapters in full mode into docs/executed/ (NOTEBOOK=02: one chapter)"
	@echo "make tag-notebooks  tag smoke-plumbing cells of the chapters 'remove-cell' (hidden on the site)"
	@echo "make gallery    write the landing page's pictures that need no training (docs/_static/gallery/)"
	@echo "make benchmark-metrics  FID/KID/precision-recall speed, FID vs scipy sqrtm, extraction images/s"
	@echo "make install    create $(VENV) and install (done automatically by the targets above)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[cpu,dev,docs,grading,jax,torch]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tfgan-edu demo --out $(DEMO_OUT)

# The docs test (tests/test_site.py) opens the built site in headless Chromium.
test: $(STAMP) docs-deps
	TFGAN_EDU_REQUIRE_BROWSER=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
		$(PY) -m pytest -q --durations=30 $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-fast: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
		$(PY) -m pytest -q -m "not slow and not notebook" $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The suite runs on TensorFlow (KERAS_BACKEND above); tests/backends starts
# one process per backend itself. `make test` includes them.
test-backends: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) -m pytest -q tests/backends $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check tfgan_edu tfgan_edu_cli.py tests benchmarks
	$(PY) -m ruff format --check tfgan_edu tfgan_edu_cli.py tests benchmarks

format: $(STAMP)
	$(PY) -m ruff check --fix tfgan_edu tfgan_edu_cli.py tests benchmarks
	$(PY) -m ruff format tfgan_edu tfgan_edu_cli.py tests benchmarks

# Timings need an otherwise idle machine; the README's speed section is
# regenerated from the JSON the two benchmarks write.
benchmark: $(STAMP)
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/onednn.py
	$(PY) benchmarks/profile_layers.py
	$(PY) benchmarks/time_to_result.py
	$(PY) benchmarks/readme_speed.py

benchmark-metrics: $(STAMP)
	$(PY) benchmarks/metrics.py

# Chapter pages show the committed full runs (docs/executed, `make
# notebooks`); a chapter without a fresh one falls back to the smoke copy the
# notebook tests leave in docs/_build/executed (or runs here in smoke mode),
# under a warning banner. TFGAN_EDU_DOCS_NOTEBOOKS=full fails instead. The
# first build fetches MathJax once with npm (maths typeset offline).
docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs $(DOCS_HTML)
	$(MAKE) --no-print-directory docs-zh
	@echo "Open $(DOCS_HTML)/index.html (中文版: $(DOCS_HTML)/zh_CN/index.html)"

# The Chinese edition (中文版), from the catalogs in docs/locale/zh_CN; the
# web font is fetched once with npm pack (docs/_build/fonts).
docs-zh: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html -D language=zh_CN \
		-d docs/_build/doctrees-zh_CN docs $(DOCS_HTML)/zh_CN

# After editing English text: extract every page's messages (docs/_build/
# gettext/*.pot) and update the catalogs; new and changed messages are then
# untranslated or fuzzy in docs/locale/zh_CN/LC_MESSAGES/*.po, and
# tests/test_translations.py names them until they are translated.
docs-pot: $(STAMP)
	rm -rf docs/_build/gettext
	$(PY) -m sphinx -q -E -b gettext -d docs/_build/doctrees-gettext docs docs/_build/gettext
	$(VENV)/bin/sphinx-intl update -p docs/_build/gettext -d docs/locale -l zh_CN
	$(PY) docs/_ext/tfgan_i18n.py docs/locale/zh_CN/LC_MESSAGES

# The chapters' full-mode runs that the site renders, for committing:
# `make notebooks` runs all, `make notebooks NOTEBOOK=02` the chapters whose
# file name starts with 02. Each run's wall time and machine are recorded.
NOTEBOOK ?=
notebooks: $(STAMP)
	$(PY) scripts/run_notebooks.py $(NOTEBOOK)

# Cells that only serve smoke mode or check the notebook get 'remove-cell'
# (see tfgan_edu/_docs/cell_tags.py); only cell metadata changes.
tag-notebooks: $(STAMP)
	$(PY) -m tfgan_edu._docs.cell_tags notebooks/*.ipynb

gallery: $(STAMP)
	$(PY) scripts/make_gallery.py

# Chromium and chromedriver for the docs test, from the Debian/Ubuntu archive.
docs-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		:; \
	elif command -v apt-get >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; \
	else \
		echo "make docs-deps: install Chromium and chromedriver (the docs test needs them)"; exit 1; \
	fi

clean:
	rm -rf $(VENV) $(DEMO_OUT) build dist *.egg-info .pytest_cache .ruff_cache docs/_build
