"""How messages are rendered for this deployment: the reader's language and where the archive is served."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """The reader's language (`[stories] language`) and where the archive is served (`[serve] public_url`)."""

    language: str = "en"
    public_url: str | None = None
