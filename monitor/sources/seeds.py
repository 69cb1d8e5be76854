"""The local seed loader: documents in a folder become Pages for the one processing path."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from monitor.models import Page

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml",
}


class SeedFolderError(Exception):
    """The seeds folder itself cannot be read (missing, not a folder, no permission)."""


def seed_files(folder: Path) -> list[Path]:
    """Seed documents in a folder (not recursive), sorted by name; other files are ignored."""
    if not folder.is_dir():
        raise SeedFolderError(f"seeds folder {folder} does not exist or is not a folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CONTENT_TYPES)


def seed_page(path: Path, source: str, fetched_at: str) -> Page:
    """A Page for one seed file; its URL is the file:// URL, so it names the file."""
    return Page(url=path.resolve().as_uri(), source=source, fetched_at=fetched_at,
                body=path.read_bytes(), content_type=CONTENT_TYPES[path.suffix.lower()])


def seed_pages(folder: Path, source: str, fetched_at: str) -> Iterator[Page]:
    """Pages for every readable seed document; an unreadable file is logged by name and skipped."""
    for path in seed_files(folder):
        try:
            yield seed_page(path, source, fetched_at)
        except OSError as error:
            log.warning("seed %s skipped: %s", path, error.strerror or error)
