"""SQLite storage (sqlite-utils): the only package that talks to the database."""

from monitor.store.archive import Archive, find_stored, known_urls, open_archive, save_processed

__all__ = ["Archive", "find_stored", "known_urls", "open_archive", "save_processed"]
