"""Load and validate ``config.yaml``.

Defaults live in the models below; the user's file is layered on top. Relative paths resolve
against the folder holding the config file. Secrets are never read from the file: the email
password comes from the environment variable named by ``email.password_env``.
"""

from __future__ import annotations

import os
import re
import ssl
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .errors import ConfigError
from .models import Source

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Strict):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", value)
        if scheme and scheme.group(1).lower() not in {"http", "https", "file"}:
            raise ValueError(
                f"unsupported scheme {scheme.group(1)!r} in {value!r}: use an http(s) feed "
                "URL, a feed file or a folder of articles"
            )
        return value


class ScheduleConfig(_Strict):
    time: str = "07:00"
    collect_every_minutes: int = Field(default=60, ge=1, le=24 * 60)

    @field_validator("time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"must be HH:MM in 24-hour local time, got {value!r}")
        return value

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])


def _mail_address(value: str) -> str:
    """``a@b.example`` or ``Name <a@b.example>``, ASCII, one line (it becomes a mail header)."""
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError(f"{value!r} contains a line break or control character")
    name, addr = parseaddr(value)
    try:
        Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError) as err:
        raise ValueError(f"{value!r} is not an email address ({err})") from None
    if not addr.isascii() or addr.count("@") != 1 or not all(addr.split("@")):
        raise ValueError(f"{value!r} is not an ASCII email address like name@example.org")
    return value


def ca_context(path: Path) -> ssl.SSLContext:
    """A verifying TLS context that trusts only the CA certificates in ``path``; a
    ``ValueError`` says what is wrong with the file."""
    try:
        context = ssl.create_default_context(cafile=path)
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    except ssl.SSLError as err:
        reason = err.reason or err
        raise ValueError(f"{path}: not a PEM file of CA certificates ({reason})") from None
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror or err})") from None
    if not context.cert_store_stats()["x509"]:
        raise ValueError(f"{path}: holds no certificate")
    return context


class RecipientConfig(_Strict):
    """One entry of ``email.to``: a plain address gets every section; a mapping may narrow it."""

    address: str
    sections: list[str] | None = None
    max_stories: int | None = Field(default=None, ge=1, le=500)

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return _mail_address(value)

    @field_validator("sections")
    @classmethod
    def _sections(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("list at least one section, or leave the key out for all of them")
        return value


class SectionConfig(_Strict):
    """A part of the briefing: stories whose articles come from ``sources`` or mention
    ``keywords`` (matched as whole words, any case, in title and text)."""

    name: str = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        if any(not k.strip() for k in value):
            raise ValueError("a keyword cannot be empty")
        return value


class EmailConfig(_Strict):
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    from_: str = Field(default="briefing@localhost", alias="from")
    to: list[RecipientConfig] = Field(default_factory=list)
    attach_pdf: bool = True
    unsubscribe: str | None = None
    timeout_seconds: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    ca_file: Path | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("from_")
    @classmethod
    def _from(cls, value: str) -> str:
        return _mail_address(value)

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: Any) -> Any:
        """A plain address is a recipient of every section."""
        if isinstance(value, list):
            return [{"address": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def addresses(self) -> list[str]:
        return [r.address for r in self.to]

    @field_validator("unsubscribe")
    @classmethod
    def _unsubscribe(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("mailto:", "https://")):
            raise ValueError("must be a mailto: or https:// URL")
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        """Resolve against the config's folder; the file must hold PEM certificates."""
        if value is None:
            return None
        base = Path((info.context or {}).get("base_dir") or Path.cwd())
        path = (base / value.expanduser()).resolve()
        ca_context(path)
        return path

    def password(self) -> str | None:
        """The SMTP password, read from the environment at the moment it is needed."""
        if not self.password_env:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(
                f"email.password_env: environment variable {self.password_env} is not set"
            )
        return value


class FetchConfig(_Strict):
    timeout_seconds: float = Field(default=20.0, gt=0)
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    max_bytes: int = Field(default=15 * 1024 * 1024, ge=1024)
    concurrency: int = Field(default=16, ge=1, le=256)
    per_host: int = Field(default=2, ge=1, le=64)
    user_agent: str = "briefing/0.1 (+https://github.com/briefing/briefing; daily news digest)"
    full_text: bool = True


class SummaryConfig(_Strict):
    algorithm: Literal["lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl", "edmundson"] = (
        "lexrank"
    )
    max_words: int = Field(default=120, ge=10)
    max_sentences: int = Field(default=5, ge=1)


class ClusterConfig(_Strict):
    """Story grouping thresholds (cosine similarity of title + body words + names vectors)."""

    similarity: float = Field(default=0.1, gt=0, le=1)
    """Two articles published within ``grace_hours`` of each other are linked when this similar."""
    average_similarity: float = Field(default=0.15, gt=0, le=1)
    """Linked articles stay one story only while the story's average-linkage similarity (gap
    penalty included) is at least this; otherwise it is split."""
    grace_hours: float = Field(default=36.0, ge=0)
    penalty_per_day: float = Field(default=0.1, ge=0)
    """Extra similarity required per day of publication gap beyond ``grace_hours``."""
    max_gap_days: float = Field(default=7.0, gt=0)
    """Articles further apart than this are never put in one story."""
    continuity_similarity: float = Field(default=0.2, gt=0, le=1)
    """A new story continues a prior one (same id, developing) when its centroid is this similar."""


class PdfConfig(_Strict):
    page_size: Literal["A4", "Letter"] = "A4"
    timeout_seconds: float = Field(default=120.0, gt=0)


class ArchiveConfig(_Strict):
    """``<outbox>/index.html`` and ``<outbox>/feed.xml`` list the day folders kept."""

    keep_days: int | None = Field(default=90, ge=1, le=36500)
    """Day folders older than this many days before the newest briefing are removed; null keeps
    every one."""


class Config(_Strict):
    sources: list[SourceConfig] = Field(default_factory=list)
    database: Path = Path("briefing.db")
    outbox: Path = Path("outbox")
    window_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    timezone: str = "UTC"
    allow_private_hosts: bool = False
    max_stories: int = Field(default=20, ge=1, le=500)
    title: str = "Daily Briefing"
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    email: EmailConfig = Field(default_factory=EmailConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    summary: SummaryConfig = Field(default_factory=SummaryConfig)
    pdf: PdfConfig = Field(default_factory=PdfConfig)
    cluster: ClusterConfig = Field(default_factory=ClusterConfig)
    sections: list[SectionConfig] = Field(default_factory=list)
    archive_url: str | None = None
    archive: ArchiveConfig = Field(default_factory=ArchiveConfig)
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("archive_url")
    @classmethod
    def _archive_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value if value is None or value.endswith("/") else value + "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def source_list(self) -> list[Source]:
        return [Source(name=s.name, url=self.resolve_source_url(s.url)) for s in self.sources]

    def resolve_source_url(self, url: str) -> str:
        """http(s) URLs stay as they are; anything else is a path relative to the config."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
            return url
        return str((self.base_dir / Path(url).expanduser()).resolve())


OTHER_SECTION = "Other"


def reference_problem(config: Config) -> str | None:
    """The first key naming something the config does not define (a section's source, a
    recipient's section), as ``key: problem``; None when every name resolves."""
    sources = [s.name for s in config.sources]
    names: list[str] = []
    for i, section in enumerate(config.sections):
        key = f"sections.{i}"
        if section.name in names:
            return f"{key}.name: section {section.name!r} is listed twice"
        if section.name.casefold() == OTHER_SECTION.casefold():
            return f"{key}.name: {OTHER_SECTION!r} is the section of stories no other one takes"
        if not section.sources and not section.keywords:
            return f"{key}: give sources or keywords (or both), else no story can belong to it"
        for j, source in enumerate(section.sources):
            if source not in sources:
                known = ", ".join(repr(n) for n in sources) or "none"
                return f"{key}.sources.{j}: unknown source {source!r} (sources: {known})"
        names.append(section.name)
    for i, recipient in enumerate(config.email.to):
        for j, wanted in enumerate(recipient.sections or ()):
            if not config.sections:
                return f"email.to.{i}.sections: no `sections` are configured to choose from"
            if wanted not in (*names, OTHER_SECTION):
                known = ", ".join(repr(n) for n in (*names, OTHER_SECTION))
                return f"email.to.{i}.sections.{j}: unknown section {wanted!r} (sections: {known})"
    return None


def _format_error(path: Path, err: ValidationError) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "required key is missing"
    more = len(err.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{path}: {key}: {message}{suffix}"


def parse_config(data: Any, path: Path) -> Config:
    """Validate already-loaded YAML data; relative paths resolve against ``path``'s folder."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: the file must hold a mapping of keys, not {type(data).__name__}"
        )
    try:
        config = Config.model_validate(data, context={"base_dir": path.resolve().parent})
    except ValidationError as err:
        raise ConfigError(_format_error(path, err)) from None
    problem = reference_problem(config)
    if problem:
        raise ConfigError(f"{path}: {problem}")
    base = path.resolve().parent
    return config.model_copy(
        update={
            "path": path.resolve(),
            "database": (base / config.database.expanduser()).resolve(),
            "outbox": (base / config.outbox.expanduser()).resolve(),
        }
    )


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    return parse_config(data, path)
