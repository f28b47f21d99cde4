"""Shared fixtures: the shipped content, a small fixture content, and copies to break."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.bundle import Bundle, load_bundle
from bot.config import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "content"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    """The shipped content and catalogs."""
    return load_bundle(ROOT / "content", ROOT / "locales")


@pytest.fixture(scope="session")
def small() -> Bundle:
    """Two topics, two hotlines, two languages."""
    return load_bundle(FIXTURE, ROOT / "locales")


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture content, to break on purpose."""
    dest = tmp_path / "content"
    shutil.copytree(FIXTURE, dest)
    return dest
