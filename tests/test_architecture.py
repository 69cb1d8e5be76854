"""The dependency rules of DESIGN.md, checked on the source: each library behind its one module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*ROOT.glob("monitor/**/*.py"), *ROOT.glob("spiders/*.py")])

# library -> the only modules (relative paths, or folder prefixes) allowed to import it
OWNERS = {
    "trafilatura": ("monitor/extract.py",),
    "sqlite_utils": ("monitor/store/",),
    "sqlite3": ("monitor/store/",),
    "apscheduler": ("monitor/scheduler.py",),
    "apprise": ("monitor/notify.py",),
    "scrapy": ("monitor/settings.py", "monitor/pipelines.py", "monitor/extensions.py", "spiders/"),
    "datasette": ("monitor/serve.py",),
    "redis": ("monitor/scaleout.py", "monitor/ingest_run.py"),
    "ahocorasick": ("monitor/entities.py",),
    "datasketch": ("monitor/dedupe.py",),
    "pypdf": ("monitor/pdf.py",),
}
# pure stages: no I/O layers, no Scrapy, no database
PURE = ("monitor/models.py", "monitor/clean.py", "monitor/analyse.py", "monitor/relevance.py",
        "monitor/entities.py", "monitor/figures.py", "monitor/dedupe.py", "monitor/urls.py", "monitor/queue.py")
IMPURE_OF_OURS = ("monitor.store", "monitor.flow", "monitor.notify", "monitor.cli", "monitor.runner",
                  "monitor.crawl", "monitor.pipelines", "spiders")


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


def test_pure_stages_import_no_io_layer() -> None:
    strays = [f"{p} imports {name}" for p in PURE for name in imported(ROOT / p)
              if name.startswith(IMPURE_OF_OURS) or name.split(".")[0] in OWNERS.keys() - {"ahocorasick", "datasketch"}]
    assert strays == []


def test_models_import_nothing_of_ours() -> None:
    assert [n for n in imported(ROOT / "monitor/models.py") if n.startswith(("monitor", "spiders"))] == []
