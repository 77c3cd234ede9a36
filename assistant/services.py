"""The heavy resources of one process, built once and handed to whoever needs them."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from . import languagetool_probe
from .checks import build_checks
from .drafting.library import LiveLibrary
from .gate import Gate
from .guide import Guide, GuideError
from .languagetool_client import LanguageToolClient
from .model import Channel, Context
from .nlp import load_nlp
from .pipeline import Pipeline
from .privacy.engine import PrivacyEngine
from .resources import Resources
from .sections import load_guides
from .settings import PROJECT_ROOT, Settings
from .store import Store
from .subjects import Subjects
from .text import prepare_draft

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    languagetool: LanguageToolClient
    nlp: Language
    pipeline: Pipeline
    templates: LiveLibrary
    store: Store
    gate: Gate
    privacy: PrivacyEngine  # the confidentiality check's: triage and redaction find what it finds

    def close(self) -> None:
        self.pipeline.close()
        self.store.close()

    def warm_up(self) -> None:
        """Load LanguageTool's rules and the syllable dictionary before the first agent
        waits for them. Runs in the background; failures only mean a slower first check."""
        try:
            for url in self.languagetool.urls:
                languagetool_probe.warm_up(url)
            self.pipeline.run(prepare_draft(languagetool_probe.WARMUP_TEXT), Context(channel=Channel.email))
        except Exception as exc:  # e.g. the service stopped meanwhile: nothing to warm
            log.warning("warm-up stopped early: %s", type(exc).__name__)
            return
        log.info("warm-up finished")

    def warm_up_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.warm_up, name="tactful-warmup", daemon=True)
        thread.start()
        return thread


def guides_for(settings: Settings) -> dict[str, Guide]:
    """The style guides as the service loads them, each section validated."""
    return load_guides(settings.guides_dir, settings.extra_guides)


def build_services(settings: Settings | None = None) -> Services:
    settings = settings or Settings()
    resources = Resources(settings)
    checks = build_checks(resources)
    nlp = load_nlp(settings.spacy_model, set().union(*(check.spacy_pipes for check in checks)))
    guides = guides_for(settings)
    if settings.default_guide not in guides:
        raise GuideError(
            f"TACTFUL_DEFAULT_GUIDE is {settings.default_guide!r}, but {settings.guides_dir} holds only: "
            f"{', '.join(sorted(guides))}."
        )
    pipeline = Pipeline(
        checks,
        nlp,
        guides,
        default_guide=settings.default_guide,
        io_timeout=settings.languagetool_timeout,
    )
    # Compiled and indexed once (LibraryError if lint fails); rebuilt when a file changes.
    templates = LiveLibrary(settings.templates_dir, settings.templates_reload_seconds)
    store = Store(settings.store_url, settings.key_cache_seconds)  # migrated by the Keeper or the caller
    gate = Gate(pipeline, store, Subjects(store_secret(settings)), resources.privacy, max_chars=settings.max_text_chars)
    return Services(
        settings=settings,
        languagetool=resources.languagetool,
        nlp=nlp,
        pipeline=pipeline,
        templates=templates,
        store=store,
        gate=gate,
        privacy=resources.privacy,
    )


SECRET_FILE = PROJECT_ROOT / "var" / "store-secret"


def store_secret(settings: Settings, path: Path = SECRET_FILE) -> bytes:
    """The key of the store's keyed hashes: TACTFUL_STORE_SECRET (every replica the same),
    else var/store-secret, made on first use and readable only by its owner."""
    if settings.store_secret is not None:
        return settings.store_secret.get_secret_value().encode("utf-8")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_hex(32).encode("ascii"))
        try:
            os.link(draft, path)  # atomic: of two workers starting at once, one secret wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes()
