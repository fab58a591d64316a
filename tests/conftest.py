"""Shared test setup: headless plotting. The package is imported as installed
(``pip install -r requirements.txt`` installs it in editable mode)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
