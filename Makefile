# Two entry points on a fresh clone: `make book` builds the HTML book,
# `make test` runs the unit tests and nbval over every notebook. Both create
# the virtual environment .venv and install everything first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch. On machines whose pip finds no local CPU wheel,
# override it, e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu".
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: book test unit notebooks install clean book-strict check-html student install-cells matrix

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo "The HTML book is in $(CURDIR)/_build/html/index.html"

test: unit notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests -q -p no:cacheprovider

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-cell-timeout=300 book -q -p no:cacheprovider

# The CI build of the book: every notebook is executed again (--all), any
# warning or cell error fails the build, and then each notebook's execution
# time is checked against its budget (120 s each, 600 s for the whole book).
book-strict: $(STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --nitpick --keep-going
	$(BIN)/python tools/time_notebooks.py --build-dir _build

# Loads every page of the built book in headless Chromium (/usr/bin/chromium,
# Debian package chromium) and saves screenshots in _build/screenshots.
# Run it after `make book` or `make book-strict`.
check-html: $(STAMP)
	$(BIN)/python tools/check_html.py --html-dir _build/html --screenshots _build/screenshots

# Writes the student copies (solutions removed) to _build/student and
# executes them; only the exercise cells may raise.
student: $(STAMP)
	rm -rf _build/student
	$(BIN)/python tools/student_version.py _build/student
	$(BIN)/python tools/time_notebooks.py --execute --cwd book _build/student/*.ipynb

# Inserts or updates the guarded install cell at the top of every chapter,
# after a version bump or a change of the repository URL in _config.yml.
install-cells: $(STAMP)
	$(BIN)/python tools/install_cell.py

# Builds four fresh environments in .venv-matrix: Python 3.10 with the
# oldest versions pyproject.toml allows, and Python 3.10, 3.12 (Colab's) and
# 3.13 with the newest. Runs the unit tests (without the slow one) and nbval in each,
# and on 3.12 every chapter from its own install cell, as on Colab. Each
# downloads a CUDA build of torch from PyPI (about 5 GB on disk; it runs on
# the CPU) and is deleted after its checks, so the peak is one environment.
matrix: $(STAMP)
	$(BIN)/python tools/dependency_matrix.py

clean:
	rm -rf _build $(VENV) .venv-matrix
