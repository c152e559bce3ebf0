# One command each: `make book` (HTML), `make pdf`, `make test`. Each sets up what it needs first:
# the virtual environment from requirements.lock and any missing Debian packages.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB := $(BIN)/jupyter-book build . -W -n --keep-going
# The charts' print renderings, kept by their spec (display.py): the PDF, the briefs and the next
# build draw only the charts that changed. `make clean` empties it with the rest of _build.
export INDOPACIFIC_ST_RENDERINGS := $(CURDIR)/_build/renderings

# Debian packages: fonts for the charts' PDF renderings; TeX, the body font (TeX Gyre Pagella) and
# CJK fonts for the PDF (source titles in Japanese and Korean); Chromium for the browser tests.
DEB_BOOK := fonts-dejavu-core
DEB_PDF := $(DEB_BOOK) texlive-xetex latexmk texlive-fonts-recommended texlive-latex-extra \
	texlive-plain-generic texlive-lang-cjk texlive-lang-chinese fonts-noto-cjk fonts-texgyre poppler-utils
DEB_TEST := $(DEB_PDF) chromium

.PHONY: book pdf briefs test test-fast check reviewed lint clean bench debian-book debian-pdf debian-test

# axe-core, the accessibility checker the browser tests run in each page, from the npm registry.
AXE_VERSION := 4.14.1
AXE := .tools/axe-$(AXE_VERSION)/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-save --no-package-lock --prefix .tools/axe-$(AXE_VERSION) axe-core@$(AXE_VERSION)

$(STAMP): requirements.lock pyproject.toml
	@# Debian's own python3 needs python3-venv for virtual environments.
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { $(call apt_install,python3-venv); }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Installs only the packages that are missing, so a ready machine does nothing here.
define apt_install
	missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo_cmd=""; [ "$$(id -u)" = 0 ] || sudo_cmd=sudo; \
	  $$sudo_cmd apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo_cmd apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

debian-book:
	@$(call apt_install,$(DEB_BOOK))
debian-pdf:
	@$(call apt_install,$(DEB_PDF))
debian-test:
	@$(call apt_install,$(DEB_TEST))

# Replace a published folder only once its new version is complete: a failed build leaves the
# last good one in place.
define publish
	rm -rf $(2).new $(2).old
	cp -a $(1) $(2).new
	if [ -e $(2) ]; then mv $(2) $(2).old; fi
	mv $(2).new $(2)
	rm -rf $(2).old
endef

# The data must be valid and every guarded paragraph must still match it.
CHECK := $(BIN)/python -m indopacific_st check
check: $(STAMP)
	$(CHECK)

# After revising the paragraphs `make check` lists: record the data they now match
# (all chapters, or `make reviewed CHAPTERS="japan india"`).
reviewed: $(STAMP)
	$(BIN)/python -m indopacific_st reviewed $(CHAPTERS)

# Everything the HTML book is built from. The folders are listed too: adding or removing a file
# changes their time. With nothing newer than the published book, `make book` has nothing to do.
BOOK_INPUTS := data chapters $(wildcard data/* chapters/* src/indopacific_st/*.py src/indopacific_st/static/* src/indopacific_st/vendor/*) \
	references.bib _config.yml _toc.yml $(STAMP)
BOOK_STAMP := _build/html/.built-from-inputs

book: $(BOOK_STAMP)
	@echo "Book: _build/html/index.html"

# Bad data stops the build; stale paragraphs are listed, and their pages show notices.
$(BOOK_STAMP): $(BOOK_INPUTS) | debian-book
	$(CHECK) --allow-stale
	@# The web edition needs no PDF rendering of each chart; skipping it saves a third of the build.
	INDOPACIFIC_ST_CHART_FORMATS=html $(JB) --path-output _build/work-html
	# The front page links to the PDF edition; carry over the last one built.
	if [ -f _build/pdf/report.pdf ]; then cp _build/pdf/report.pdf _build/work-html/_build/html/; fi
	if [ -d _build/briefs ]; then mkdir -p _build/work-html/_build/html/briefs && cp _build/briefs/*.pdf _build/work-html/_build/html/briefs/; fi
	$(call publish,_build/work-html/_build/html,_build/html)
	touch $@

pdf: $(STAMP) debian-pdf
	$(CHECK) --allow-stale
	INDOPACIFIC_ST_CHART_FORMATS=html,pdf $(JB) --builder pdflatex --path-output _build/work-pdf
	mkdir -p _build/pdf.new.d
	cp _build/work-pdf/_build/latex/report.pdf _build/pdf.new.d/report.pdf
	$(call publish,_build/pdf.new.d,_build/pdf)
	rm -rf _build/pdf.new.d
	if [ -d _build/html ]; then cp _build/pdf/report.pdf _build/html/report.pdf; fi
	@echo "PDF: _build/pdf/report.pdf"

# One short PDF per partner (two to four pages) from the same data, into _build/briefs/; the web
# edition links to them from each partner chapter. Stale paragraphs get a notice in the brief.
briefs: $(STAMP) debian-pdf
	$(CHECK) --allow-stale
	$(BIN)/python -m indopacific_st briefs
	if [ -d _build/html ]; then mkdir -p _build/html/briefs && cp _build/briefs/*.pdf _build/html/briefs/; fi

# cffconvert validates CITATION.cff; it needs a jsonschema older than the book's, so it has
# its own environment.
CFFCONVERT := .tools/cffconvert-2.0.0/bin/cffconvert
$(CFFCONVERT):
	$(PYTHON) -m venv .tools/cffconvert-2.0.0
	.tools/cffconvert-2.0.0/bin/pip install --quiet cffconvert==2.0.0

# The tests run in one worker per core (pytest-xdist); each test file stays on one worker, so its
# fixtures (a browser, a project copy) are made once, in the order tests/conftest.py sets (the
# longest first). TEST_JOBS=0 runs them in this process. (--dist loadgroup would be the way to
# keep two files together, but it groups nothing with pytest 9.2: pytest-xdist issue 1386.)
TEST_JOBS ?= auto
test: $(STAMP) debian-test $(AXE) $(CFFCONVERT)
	@# The HTML book first; then the PDF and the briefs side by side (their LaTeX runs keep one
	@# core each). The same three in any other order took longer: vl-convert, which draws the
	@# charts for print, uses both cores.
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory --output-sync=target -j2 pdf briefs
	$(CHECK)
	@# nbval's kernels draw the charts for the web only: `make pdf` has just executed every
	@# notebook with the print renderings too.
	INDOPACIFIC_ST_CHART_FORMATS=html AXE_SCRIPT=$(AXE) CFFCONVERT=$(CFFCONVERT) \
	  $(BIN)/pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder

# While writing: the data rules, views, facts and chart specs, with no book build (seconds).
# One worker per core, each taking the next test: none of these has a costly fixture to share.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow" -n $(TEST_JOBS) --dist load

# Timings and page weights at 1x, 10x and 100x data, on a copy of the project (see bench/bench.py).
# BENCH_ARGS="--quick" for a short run while developing.
BENCH_ARGS ?=
bench: $(STAMP) debian-test
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf _build
