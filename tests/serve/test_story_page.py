"""The story page alerts link to (`/-/remon/story/<id>`): articles by outlet and language, figures side by
side, timeline; page text escaped; 404 for an unknown story. In-process Datasette built as `remon serve` does."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from monitor.serve.datasette import ServeOptions, build_datasette
from tests.browser_fixtures import explicit_archive


def _get(db_path: Path, *paths: str) -> list[Any]:
    datasette = build_datasette(ServeOptions(db_path=db_path, atom_path=db_path.parent / "stories.atom"))

    async def run() -> list[Any]:
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(run())


def test_story_page_lists_articles_figures_and_timeline(tmp_path: Path) -> None:
    db = tmp_path / "remon.db"
    explicit_archive(db)
    story, missing, script = _get(db, "/-/remon/story/1", "/-/remon/story/999", "/-/remon/story/3")
    assert story.status_code == 200 and missing.status_code == 404
    page = story.text
    assert "<h1>China tightens rare earth export controls</h1>" in page
    assert page.index("<td rowspan=\"1\">ledger</td><td rowspan=\"1\">en</td>") < \
        page.index("<td rowspan=\"1\">wire</td><td rowspan=\"1\">en</td>")
    assert '<a href="https://wire.example/china-controls-wire">Beijing curbs rare earth exports</a>' in page
    assert "<strong>28.7 Mt</strong><br><small>28.7 Mt (2 outlets): ledger, wire</small>" in page
    assert "published by ledger" in page and "found by remon at wire" in page
    assert "<script>window.__pwned" not in script.text and "&lt;script&gt;window.__pwned" in script.text
