from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import load_config
from briefing.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_config_is_valid(repo: Path) -> None:
    config = load_config(repo / "config.yaml")
    assert config.sources, "the default config points at the bundled samples"
    for source in config.source_list():
        assert Path(source.url).exists(), source.url
    assert config.database.is_absolute()
    assert config.outbox == (repo / "outbox").resolve()


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    config = load_config(
        write(
            sub,
            "sources: [{name: A, url: feeds/a.xml}, {name: B, url: 'https://x.org/f'}]\n"
            "database: data/b.db\noutbox: out\n",
        )
    )
    assert config.database == sub / "data" / "b.db"
    assert config.outbox == sub / "out"
    assert [s.url for s in config.source_list()] == [
        str(sub / "feeds" / "a.xml"),
        "https://x.org/f",
    ]


def test_defaults_apply_to_an_empty_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.window_hours == 24
    assert config.timezone == "UTC"
    assert config.allow_private_hosts is False
    assert config.schedule.time == "07:00"
    assert config.max_stories == 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("window_hours: many\n", "window_hours: Input should be a valid number"),
        ("timezone: Mars/Olympus\n", "timezone: Value error, unknown IANA time zone"),
        ("schedule: {time: '7am'}\n", "schedule.time: Value error, must be HH:MM"),
        ("email: {security: tls}\n", "email.security: Input should be 'starttls', 'ssl' or 'none'"),
        ("email: {smtp_port: 70000}\n", "email.smtp_port: Input should be less than or equal"),
        ("colour: blue\n", "colour: unknown key"),
        ("sources: [{url: 'https://a.org/feed'}]\n", "sources.0.name: required key is missing"),
        ("email: {password: hunter2}\n", "email.password: unknown key"),
        ("- just\n- a list\n", "the file must hold a mapping"),
        ("sources: [\n", "not valid YAML at line"),
        ("sources: [{name: A, url: 'ftp://a.org/feed'}]\n",
         "sources.0.url: Value error, unsupported scheme 'ftp'"),
    ],
)
def test_bad_config_names_the_key_and_the_problem(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_password_comes_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write(tmp_path, "email: {password_env: TEST_BRIEFING_PW}\n"))
    monkeypatch.delenv("TEST_BRIEFING_PW", raising=False)
    with pytest.raises(ConfigError, match="TEST_BRIEFING_PW is not set"):
        config.email.password()
    monkeypatch.setenv("TEST_BRIEFING_PW", "s3cret")
    assert config.email.password() == "s3cret"
