"""deploy/: the systemd units verify, are hardened and point at real commands; the cron line and scrapyd.conf parse."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from monitor.cli.main import build_parser

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNITS = ("remon.service", "remon-run.service", "remon-run.timer")
INSTALLED = "/opt/remon/.venv/bin/remon"
HARDENING = {"User": "remon", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
             "PrivateTmp": "yes", "ReadWritePaths": "/var/lib/remon"}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(DEPLOY / "systemd" / name)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    remon = Path(shutil.which("remon") or Path(__file__).resolve().parents[1] / ".venv/bin/remon")
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text().replace(INSTALLED, str(remon))
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (0, "")


def test_services_are_hardened_and_restart() -> None:
    daemon, oneshot = unit("remon.service")["Service"], unit("remon-run.service")["Service"]
    for service in (daemon, oneshot):
        assert {key: service.get(key) for key in HARDENING} == HARDENING
        assert service["EnvironmentFile"] == "-/etc/remon/secrets.env"
    assert (daemon["Type"], daemon["Restart"], daemon["KillSignal"]) == ("simple", "on-failure", "SIGTERM")
    assert (oneshot["Type"], oneshot["SuccessExitStatus"]) == ("oneshot", "75")
    assert unit("remon-run.timer")["Timer"]["Unit"] == "remon-run.service"


def test_unit_and_cron_commands_are_real_remon_commands() -> None:
    cron = [line for line in (DEPLOY / "remon.cron").read_text().splitlines() if line and not line.startswith("#")
            and "=" not in line.split()[0]]
    assert len(cron) == 1 and cron[0].split()[5] == "remon"  # minute hour dom month dow user command
    commands = [unit("remon.service")["Service"]["ExecStart"], unit("remon-run.service")["Service"]["ExecStart"],
                cron[0].split("exec ", 1)[1].split(")")[0]]
    parser = build_parser()
    for command in commands:
        words = command.split()
        assert words[0] == INSTALLED
        assert parser.parse_args(words[1:]).command in ("schedule", "run")


def test_scrapyd_conf_parses() -> None:
    parser = configparser.ConfigParser()
    parser.read(DEPLOY / "scrapyd.conf")
    assert (parser["scrapyd"]["bind_address"], parser["scrapyd"]["http_port"]) == ("127.0.0.1", "6800")
