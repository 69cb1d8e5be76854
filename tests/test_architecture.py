"""The dependency rules of DESIGN.md, checked on the source: each library behind its one module, each folder
importing only the rooms below it in the flow."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*ROOT.glob("monitor/**/*.py"), *ROOT.glob("spiders/*.py")])

# library -> the only modules (relative paths, or folder prefixes) allowed to import it
OWNERS = {
    "trafilatura": ("monitor/stages/extract.py",),
    "sqlite_utils": ("monitor/store/",),
    "sqlite3": ("monitor/store/", "monitor/serve/assets/plugins/"),  # the Datasette plugin reads its own connection
    "apscheduler": ("monitor/run/scheduler.py",),
    "apprise": ("monitor/alerting/notify.py",),
    "scrapy": ("monitor/glue/", "monitor/run/crawl.py", "spiders/"),
    "datasette": ("monitor/serve/",),
    "redis": ("monitor/run/scaleout.py", "monitor/run/ingest.py"),
    "ahocorasick": ("monitor/stages/entities.py",),
    "datasketch": ("monitor/stages/dedupe.py",),
    "pypdf": ("monitor/stages/pdf.py",),
}

# folder -> the modules of ours it may import (prefixes); anything else of ours is a layering break.
# Pure stages get no clock: `now` is passed in.
ALLOWED_OURS = {
    "monitor/models.py": (),
    "monitor/stages/": ("monitor.models", "monitor.stages", "monitor.config.sections", "monitor.hashing"),
    # store.story_updates asks stages.official (pure) whether a new article is an official source
    "monitor/store/": ("monitor.models", "monitor.store", "monitor.run.locks", "monitor.config.sections",
                       "monitor.clock", "monitor.hashing", "monitor.stages.official"),
    # monitor.glue itself: the pipeline feeds the page workers of monitor/glue/workers.py, which open the crawl
    # process's one archive connection (store.archive) and set its commit durability (store.transaction), so a
    # crawl that finds nothing new never imports the stages behind monitor.flow (issue 16)
    "monitor/glue/": ("monitor.models", "monitor.config", "monitor.flow", "monitor.store.runs", "monitor.sources",
                      "monitor.stages", "monitor.run.locks", "monitor.run.lifeline", "monitor.clock", "monitor.hashing",
                      "monitor.glue",
                      "monitor.store.transaction", "monitor.store.archive"),
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_each_library_is_imported_only_by_its_owner() -> None:
    strays = []
    for path in MODULES:
        relative = path.relative_to(ROOT).as_posix()
        for name in imported(path):
            top = name.split(".")[0]
            owners = OWNERS.get(top)
            if owners and not any(relative == o or (o.endswith("/") and relative.startswith(o)) for o in owners):
                strays.append(f"{relative} imports {name}")
    assert strays == []


@pytest.mark.parametrize("room", sorted(ALLOWED_OURS))
def test_each_room_imports_only_the_rooms_below_it(room: str) -> None:
    paths = [ROOT / room] if room.endswith(".py") else sorted((ROOT / room).rglob("*.py"))
    assert paths and all(p.exists() for p in paths)
    strays = [f"{p.relative_to(ROOT)} imports {name}" for p in paths for name in imported(p)
              if name.startswith(("monitor", "spiders")) and not name.startswith(ALLOWED_OURS[room])]
    assert strays == []


def test_pure_stages_touch_no_io_library() -> None:
    io_libraries = {"sqlite_utils", "sqlite3", "scrapy", "apprise", "apscheduler", "datasette", "redis", "requests",
                    "urllib3", "socket", "subprocess"}
    strays = [f"{p.relative_to(ROOT)} imports {name}" for p in sorted((ROOT / "monitor/stages").rglob("*.py"))
              for name in imported(p) if name.split(".")[0] in io_libraries]
    assert strays == []
