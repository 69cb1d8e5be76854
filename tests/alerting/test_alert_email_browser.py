"""The seed story's email, as a reader gets it: `remon run` on the seeds delivers it to a real SMTP server
(aiosmtpd on 127.0.0.1), and headless Chromium renders its HTML part (screenshot in test-artifacts/alerts/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alert_fixtures import REPO, SMTP_PASSWORD, Mailbox, remon, write_config

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ARTIFACTS = REPO / "test-artifacts" / "alerts"
PUBLIC = "https://remon.example.org"

pytestmark = [
    pytest.mark.e2e, pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium (CI installs it)"),
]


def _seed_email(folder: Path) -> dict[str, str]:
    shutil.copytree(REPO / "seeds", folder / "seeds")
    config = write_config(folder, "console = false\ntimeout = 5\n")
    config.write_text(config.read_text() + f'\n[serve]\npublic_url = "{PUBLIC}"\n')
    with Mailbox() as mailbox:
        done = remon("run", cwd=folder, env={"REMON_ALERT_URLS": mailbox.url()})
    assert done.returncode == 0, done.stderr
    seed = [m for m in mailbox.messages if "Moscow's mineral gambit" in m["Subject"]]
    assert len(seed) == 1, [m["Subject"] for m in mailbox.messages]
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in seed[0].walk() if not p.is_multipart()}
    assert SMTP_PASSWORD not in "".join(parts.values())
    return parts


def test_seed_story_email_in_chromium_shows_what_happened_figures_outlets_and_reasons(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    parts = _seed_email(tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1000})
            page.route("**/*", lambda route: route.abort())  # the email must render with nothing fetched
            page.set_content(parts["text/html"])
            page.screenshot(path=str(ARTIFACTS / "seed-story-email.png"), full_page=True)
            seen = page.inner_text("body")
            links = page.eval_on_selector_all("a", "els => els.map(e => [e.innerText, e.href])")
        finally:
            browser.close()
    lead = "Putin orders a long-term strategy for mining and processing rare-earth metals"
    plain = " ".join(parts["text/plain"].split())
    for text in (seen, plain):
        flat = " ".join(text.split())
        assert lead in flat and "Date: 2025-11-06 (from the byline of 003_57c69fa7a3358e0d.txt)" in flat
        assert "28.5 Mt Natural Resources Ministry of Russia, 2 outlets" in flat
        assert "28.7 Mt Natural Resources Ministry of Russia, 2 outlets" in flat
        assert "why it matched" in flat.lower() and "It is about rare earths (15×, in the headline)" in flat
        assert f"Read the whole story in the archive: {PUBLIC}/-/remon/story/1" in flat
    seeds = sorted((tmp_path / "seeds").glob("00[0-3]_*.txt"))
    headlines = {Path(href).name: text for text, href in links if href.startswith("file:")}
    assert sorted(headlines) == [p.name for p in seeds]
    for path in seeds:
        assert headlines[path.name] in " ".join(parts["text/plain"].split())
        assert path.resolve().as_uri() in plain
    assert headlines["000_7c367b0aa2492a6b.txt"] == "Putin instructs government to craft plan for rare-earth metals"
