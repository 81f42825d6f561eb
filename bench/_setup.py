"""Shared start-up for the benchmarks: Django against the database in DATABASE_URL."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perwali_cctv.settings")

import django  # noqa: E402

django.setup()
