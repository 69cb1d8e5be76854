"""Seeds stay inside their folder and under `seeds.max_bytes`; what is skipped is reported by name."""

from __future__ import annotations

from pathlib import Path

from monitor.sources.seeds import seed_pages

NOW = "2024-07-01T00:00:00+00:00"


def load(folder: Path, max_bytes: int = 10_000) -> tuple[list[str], list[tuple[str, str]]]:
    skipped: list[tuple[str, str]] = []
    pages = seed_pages(folder, "seeds", NOW, max_bytes, lambda path, reason: skipped.append((path.name, reason)))
    return [Path(p.url).name for p in pages], skipped


def test_symlinks_out_of_the_folder_are_skipped_and_inside_ones_read(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("token: secret\n", encoding="utf-8")
    folder = tmp_path / "seeds"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text("Rare earth note.\n", encoding="utf-8")
    (folder / "a.txt").write_text("Rare earth quota.\n", encoding="utf-8")
    (folder / "inside.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "out.txt").symlink_to(outside)
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "hop.txt").symlink_to(folder / ".." / "outside.txt")
    read, skipped = load(folder)
    assert read == ["a.txt", "real.txt"]
    assert sorted(name for name, _ in skipped) == ["hop.txt", "out.txt", "passwd.txt"]
    assert all(reason.startswith("links outside the seeds folder") for _, reason in skipped)


def test_a_seed_larger_than_max_bytes_is_skipped_unread(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 10_001)
    (tmp_path / "fits.txt").write_bytes(b"y" * 10_000)
    read, skipped = load(tmp_path, max_bytes=10_000)
    assert read == ["fits.txt"]
    assert skipped == [("big.txt", "10001 bytes, larger than seeds.max_bytes (10000)")]
