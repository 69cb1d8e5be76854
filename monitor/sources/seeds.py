"""The local seed loader: documents in a folder become Pages for the one processing path.

A seed is read only if it really lives in the folder (a symlink pointing out of it, say
`passwd.txt -> /etc/passwd`, is reported and skipped) and is no larger than `seeds.max_bytes`
(read with a bound, so a file that grows meanwhile cannot take the memory).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from monitor.models import Page

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
    ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml",
}


DEFAULT_MAX_BYTES = 5_000_000
OnSkip = Callable[[Path, str], None]


class SeedSkipped(Exception):
    """A seed file that is not read: outside the folder, too large or unreadable (the message says which)."""


class SeedFolderError(Exception):
    """The seeds folder itself cannot be read (missing, not a folder, no permission)."""


def seed_files(folder: Path) -> list[Path]:
    """Seed documents in a folder (not recursive), sorted by name; other files are ignored."""
    if not folder.is_dir():
        raise SeedFolderError(f"seeds folder {folder} does not exist or is not a folder")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CONTENT_TYPES)


def checked_seed(path: Path, folder: Path, max_bytes: int) -> Path:
    """The seed's real path, if it lies inside `folder` and is small enough; else SeedSkipped."""
    real, home = path.resolve(), folder.resolve()
    if home not in real.parents:
        raise SeedSkipped(f"links outside the seeds folder (to {real})")
    size = real.stat().st_size
    if size > max_bytes:
        raise SeedSkipped(f"{size} bytes, larger than seeds.max_bytes ({max_bytes})")
    return real


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """At most `max_bytes` of a file, refusing a symlink in its last part (it was resolved already)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as stream:
        body = stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise SeedSkipped(f"grew past seeds.max_bytes ({max_bytes}) while read")
    return body


def seed_page(path: Path, source: str, fetched_at: str, folder: Path | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """A Page for one seed file; its URL is the file:// URL, so it names the file."""
    real = checked_seed(path, folder or path.parent, max_bytes)
    return Page(url=real.as_uri(), source=source, fetched_at=fetched_at,
                body=read_bounded(real, max_bytes), content_type=CONTENT_TYPES[path.suffix.lower()])


def seed_pages(folder: Path, source: str, fetched_at: str, max_bytes: int = DEFAULT_MAX_BYTES,
               on_skip: OnSkip | None = None) -> Iterator[Page]:
    """Pages for every readable seed document; a file that is skipped is logged and handed to `on_skip`."""
    for path in seed_files(folder):
        try:
            yield seed_page(path, source, fetched_at, folder, max_bytes)
        except (OSError, SeedSkipped) as error:
            reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
            log.warning("seed %s skipped: %s", path, reason)
            if on_skip is not None:
                on_skip(path, reason)
