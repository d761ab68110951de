"""``briefing init [DIR]``: the starter files, through the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml
from pydantic import BaseModel

from briefing.config import Config, load_config
from briefing.starter import starter_config

REPO = Path(__file__).resolve().parents[1]


def briefing(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        key = prefix + (info.alias or name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, key + ".")
        else:
            keys.append(key)
    return keys


def test_init_writes_a_config_that_loads_an_empty_outbox_and_an_opml(tmp_path: Path) -> None:
    target = tmp_path / "new" / "briefing"
    result = briefing("init", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["config.yaml", "feeds.opml", "outbox"]
    assert list((target / "outbox").iterdir()) == []
    assert f"wrote {target / 'config.yaml'}" in result.stdout
    config = load_config(target / "config.yaml")
    assert config.sources == [] and config.email.to == []
    assert config.outbox == (target / "outbox").resolve()
    assert config.database == (target / "briefing.db").resolve()
    # The sample OPML line imports as a source of the new config.
    imported = briefing("sources", "import", "feeds.opml", "--config", "config.yaml", cwd=target)
    assert imported.returncode == 0, imported.stderr
    assert [s.url for s in load_config(target / "config.yaml").sources] == [
        "https://example.org/news/rss.xml"
    ]
    status = briefing("status", "--config", str(target / "config.yaml"), cwd=tmp_path)
    assert status.returncode == 4 and "nothing has been collected yet" in status.stdout


def test_init_in_the_current_folder(tmp_path: Path) -> None:
    result = briefing("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "config.yaml").is_file() and (tmp_path / "outbox").is_dir()


def test_init_never_overwrites_a_config(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("title: Mine\n")
    result = briefing("init", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'config.yaml'} already exists: not overwritten"
        " (edit it, or init another folder)"
    ]
    assert (tmp_path / "config.yaml").read_text() == "title: Mine\n"
    assert not (tmp_path / "outbox").exists()


def test_starter_config_sets_and_explains_every_key() -> None:
    text = starter_config()
    data = yaml.safe_load(text)
    assert Config.model_validate(data) == Config.model_validate({})  # the defaults, written out
    lines = text.splitlines()
    for key in _keys(Config):
        *parents, leaf = key.split(".")
        node = data
        for part in parents:
            assert part in node, f"{key} missing from the starter config"
            node = node[part]
        assert leaf in node, f"{key} missing from the starter config"
        # Explained: a comment on the line or in the comment block just above the key.
        at = next(
            i for i, line in enumerate(lines) if re.match(rf"\s*{re.escape(leaf)}:", line)
        )
        above = lines[max(0, at - 4): at]
        assert "#" in lines[at] or any(
            line.strip().startswith("#") for line in above
        ), f"{key} is not explained"


def test_readme_documents_every_key_and_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for key in _keys(Config):
        leaf = key.rsplit(".", 1)[-1]
        assert f"`{key}`" in readme or f"/ `{leaf}`" in readme or f"`{leaf}`" in readme, key
    assert "`briefing init [DIR]`" in readme
    assert "`archive.keep_days`" in readme
