"""Settings for the load test: Houqin's own, plus the baseline views of bench/baseline_urls.py.
Used by bench/load.py through DJANGO_SETTINGS_MODULE (bench/ on PYTHONPATH)."""

from houqin.settings import *  # noqa: F403

ROOT_URLCONF = "baseline_urls"
