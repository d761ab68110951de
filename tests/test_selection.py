"""Per-reader selection: each recipient gets the sections they chose (at most max_stories),
each distinct selection is rendered once, and the ledger still delivers exactly once per
recipient and day, across a kill -9 in the middle of sending (real SMTP server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sections_helpers import SECTIONS, cli, sample_config
from smtp_helpers import ScriptedHandler, smtp_server

from briefing import pipeline
from briefing.config import load_config
from briefing.models import Article, Briefing, Story, StoryBrief
from briefing.selection import Selection, apply, editions
from briefing.store import Store

T = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
AS_OF = "2026-11-21T07:00:00Z"
DATE = "2026-11-21"


def story(rank: int, section: str) -> StoryBrief:
    a = Article(id=f"a{rank}", source="S", url="https://x.example/", title=f"t{rank}", text="",
                published=T, fetched=T)
    return StoryBrief(Story(f"s{rank}", (a,), {a.id: a.id}), f"h{rank}", (), rank=rank,
                      section=section)


BRIEFING = Briefing(
    date=DATE, as_of=T, window_start=T, window_end=T, timezone="UTC",
    # display order: sections as configured, rank within
    stories=(story(2, "World"), story(4, "World"), story(1, "Sport"), story(3, "Sport"),
             story(5, "Other")),
    sections=("World", "Sport", "Other"),
)


def ranks(briefing: Briefing) -> list[int]:
    return [b.rank for b in briefing.stories]


def test_selection_keeps_its_sections_and_the_best_ranked_stories_in_display_order() -> None:
    assert apply(BRIEFING, Selection()) is BRIEFING
    sport = apply(BRIEFING, Selection(frozenset({"Sport"})))
    assert ranks(sport) == [1, 3] and sport.sections == ("Sport",)
    assert ranks(apply(BRIEFING, Selection(max_stories=2))) == [2, 1]
    assert ranks(apply(BRIEFING, Selection(frozenset({"World", "Other"}), 2))) == [2, 4]


def test_recipients_with_the_same_stories_share_one_edition() -> None:
    found = editions(BRIEFING, [
        ("a@x.example", Selection()),
        ("b@x.example", Selection(frozenset({"Sport"}))),
        ("c@x.example", Selection(frozenset({"World", "Sport", "Other"}))),  # = everything
        ("d@x.example", Selection(frozenset({"Sport"}), max_stories=5)),  # = Sport
    ])
    assert [(e.recipients, e.full) for e in found] == [
        (("a@x.example", "c@x.example"), True), (("b@x.example", "d@x.example"), False),
    ]


def body(path: Path) -> tuple[EmailMessage, str]:
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(("plain",))
    assert part is not None
    return msg, part.get_content().replace("\r\n", "\n")


def recipients(n: int) -> list[Any]:
    """``n`` of each of three selections."""
    return (
        [f"all{i}@example.net" for i in range(n)]
        + [{"address": f"biz{i}@example.net", "sections": ["Business"]} for i in range(n)]
        + [{"address": f"fan{i}@example.net", "sections": ["Sport", "Other"], "max_stories": 2}
           for i in range(n)]
    )


def test_each_distinct_selection_is_rendered_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(sample_config(tmp_path, sections=SECTIONS,
                                       email={"to": recipients(4), "attach_pdf": False}))
    rendered: list[int] = []
    real = pipeline.render_mail

    def counting(config: Any, briefing: Briefing) -> Any:
        rendered.append(len(briefing.stories))
        return real(config, briefing)

    monkeypatch.setattr(pipeline, "render_mail", counting)
    with Store(config.database) as store:
        result = pipeline.run_once(config, store, T, T)
    assert sorted(rendered) == [2, 4]  # Business and Sport+Other; everyone else has the full one
    full = len(result.briefing.stories)
    mail = tmp_path / "outbox" / DATE / "mail"
    for i in range(4):
        msg, text = body(mail / f"all{i}@example.net.eml")
        assert msg["Subject"].endswith(f"{full} stories")
        msg, text = body(mail / f"biz{i}@example.net.eml")
        assert msg["Subject"].endswith("4 stories") and "\nBUSINESS\n" in text
        assert "\nSPORT\n" not in text
        msg, text = body(mail / f"fan{i}@example.net.eml")
        assert msg["Subject"].endswith("2 stories") and "\nSPORT\n" in text
        assert "\nBUSINESS\n" not in text
    # recipients of one edition get the same body, each in a message of its own
    assert body(mail / "biz0@example.net.eml")[1] == body(mail / "biz3@example.net.eml")[1]
    ids = {body(p)[0]["Message-ID"] for p in mail.glob("*.eml")}
    assert len(ids) == 12


@pytest.mark.slow
def test_kill_9_mid_send_then_send_delivers_each_edition_exactly_once(tmp_path: Path) -> None:
    child: dict[str, subprocess.Popen[bytes]] = {}
    rcpts: list[str] = []

    def on_rcpt(address: str) -> None:
        rcpts.append(address)
        if len(rcpts) == 4 and "send" in child:  # before DATA: the server never gets this one
            os.kill(child["send"].pid, signal.SIGKILL)

    handler = ScriptedHandler(on_rcpt=on_rcpt)
    with smtp_server(handler) as (_, port):
        config = sample_config(
            tmp_path, sections=SECTIONS,
            email={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                   "from": "desk@example.org", "to": recipients(3), "timeout_seconds": 10},
        )
        built = cli("run", "--config", str(config), "--as-of", AS_OF, "--no-send", cwd=tmp_path)
        assert built.returncode == 0, built.stderr
        child["send"] = subprocess.Popen(
            [sys.executable, "-m", "briefing", "send", "--config", str(config), "--date", DATE],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        _, stderr = child["send"].communicate(timeout=120)
        assert child["send"].returncode == -signal.SIGKILL, stderr.decode()
        assert len(handler.received) == 3
        again = cli("send", "--config", str(config), cwd=tmp_path)
        assert again.returncode == 0, again.stderr

    got = Counter(r.rcpt_tos[0] for r in handler.received)
    wanted = [r if isinstance(r, str) else r["address"] for r in recipients(3)]
    assert got == Counter(wanted)  # every recipient once: no loss, no duplicate
    mail = tmp_path / "outbox" / DATE / "mail"
    for received in handler.received:
        assert received.content == (mail / f"{received.rcpt_tos[0]}.eml").read_bytes()
    with Store(tmp_path / "briefing.db") as store:
        assert {d.state for d in store.deliveries(date=DATE)} == {"sent"}
        assert len(store.deliveries(date=DATE)) == 9


def test_the_store_remembers_what_each_selection_showed_and_forgets_a_rebuilt_day(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "b.db") as store:
        store.record_briefing("2026-11-20", T, {}, {}, {"sections=Sport;max=*": ["s1", "s2"]})
        store.record_briefing("2026-11-21", T, {}, {}, {"sections=Sport;max=*": ["s1"]})
        key = Selection(frozenset({"Sport"})).key
        assert key == "sections=Sport;max=*"
        found = store.edition_last_dates(key, ["s1", "s2", "s3"], before_date="2026-11-22")
        assert found == {"s1": "2026-11-21", "s2": "2026-11-20"}
        store.record_briefing("2026-11-21", T, {}, {}, {})  # the day rebuilt: its rows go
        found = store.edition_last_dates(key, ["s1"], before_date="2026-11-22")
        assert found == {"s1": "2026-11-20"}
