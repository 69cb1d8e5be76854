"""Config loading and validation: defaults, errors naming the key, secrets from the environment."""

from pathlib import Path

import pytest

from monitor.config.load import ConfigError, alert_urls, load_config

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "remon.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(None, cwd=tmp_path)
    assert config.db_path == tmp_path / "data/remon.db"
    assert [(s.name, s.kind, s.path) for s in config.active_sources] == [("seeds", "seeds", "seeds")]
    assert config.alerts.urls == () and config.alerts.console is True


def test_listed_sources_replace_the_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[sources]]\nname = "wire"\nkind = "feed"\nurl = "http://127.0.0.1/f"\n'))
    assert [s.name for s in config.active_sources] == ["wire"]


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[storage]\npath = "db/x.db"\n'))
    assert config.db_path == tmp_path / "db/x.db"


@pytest.mark.parametrize("text, expected", [
    ('[storage]\npaht = "x"\n', "unknown key 'storage.paht'"),
    ('colour = 1\n', "unknown key 'colour'"),
    ('[[sources]]\nname = "a"\nkind = "rss"\nurl = "http://x"\n', "sources.0.kind"),
    ('[[sources]]\nname = "a"\nkind = "seeds"\npath = 3\n', "sources.0.path: Input should be a valid string"),
    ('[relevance]\nthreshold = 2\n', "relevance.threshold"),
    ('[[sources]]\nname = "a"\nkind = "feed"\n', "needs 'url'"),
    ('[[sources]]\nname = "a"\nkind = "seeds"\npath = "s"\n[[sources]]\nname = "a"\nkind = "seeds"\npath = "t"\n',
     "source names must be unique: a"),
    ('[storage\n', "not valid TOML"),
])
def test_bad_config_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(path) and expected in message and "\n" not in message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(str(tmp_path / "absent.toml"))


def test_alert_urls_from_environment_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "urls"
    secrets.write_text("# comment\njson://127.0.0.1:9/hook?token=abc\n", encoding="utf-8")
    monkeypatch.setenv("REMON_ALERT_URLS", "ntfy://one, ntfy://two")
    monkeypatch.setenv("REMON_ALERT_URLS_FILE", str(secrets))
    config = load_config(write(tmp_path, '[alerts]\nurls = ["mailto://a:b@127.0.0.1"]\n'))
    assert alert_urls(config) == ("mailto://a:b@127.0.0.1", "ntfy://one", "ntfy://two",
                                  "json://127.0.0.1:9/hook?token=abc")


def test_shipped_config_is_valid() -> None:
    config = load_config(str(REPO / "remon.toml"))
    assert "seeds" in [s.name for s in config.active_sources]
