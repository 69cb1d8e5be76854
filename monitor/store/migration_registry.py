"""The one sqlite-utils Migrations registry: `migrations_v1` and `migrations_v2` register on it, in order."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("remon")
