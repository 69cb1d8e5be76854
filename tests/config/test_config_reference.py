"""The configuration reference in docs/ is generated from the config models and kept current."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from monitor.config.load import Config
from monitor.config.reference import HIDDEN, _model_of, render

PAGE = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def _fields(model: type[BaseModel], prefix: str) -> list[tuple[str, str | None]]:
    found = []
    for name, field in model.model_fields.items():
        if name in HIDDEN:
            continue
        sub = _model_of(field.annotation)
        found += _fields(sub, f"{prefix}{name}.") if sub else [(prefix + name, field.description)]
    return found


def test_every_config_key_says_what_it_means() -> None:
    undocumented = [name for name, description in _fields(Config, "") if not description]
    assert undocumented == []


def test_the_reference_page_is_current() -> None:
    assert PAGE.read_text("utf-8") == render(), "run: python -m monitor.config.reference > docs/configuration.md"


def test_every_key_appears_in_the_page() -> None:
    page = PAGE.read_text("utf-8")
    missing = [name for name, _ in _fields(Config, "") if f"| `{name.rsplit('.', 1)[-1]}` |" not in page]
    assert missing == []
