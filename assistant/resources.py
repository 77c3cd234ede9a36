"""The heavy, shared things checks may ask for, built on first use, once per process.

A check's `build(resources)` takes what it needs; a resource no check asks for is never
built. A new resource is one more property here."""

from __future__ import annotations

from functools import cached_property

from .languagetool_client import LanguageToolClient
from .nlp import WordTagger
from .privacy.engine import PrivacyEngine
from .settings import Settings


class Resources:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def languagetool(self) -> LanguageToolClient:
        settings = self.settings
        api_key = settings.languagetool_api_key
        return LanguageToolClient(
            settings.languagetool_servers,
            timeout=settings.languagetool_timeout,
            retry_after=settings.languagetool_retry_after,
            cache_size=settings.languagetool_cache_size,
            username=settings.languagetool_username,
            api_key=api_key.get_secret_value() if api_key else None,
            parallel=settings.languagetool_parallel,
        )

    @cached_property
    def privacy(self) -> PrivacyEngine:
        """Presidio's analyzer (our GB-first recognizers) and anonymizer, offline."""
        return PrivacyEngine(model=self.settings.spacy_model, cache_size=self.settings.privacy_cache_size)

    @cached_property
    def tagger(self) -> WordTagger:
        """Part-of-speech tags for style rules limited by `pos:`; loads its model on first use."""
        return WordTagger(self.settings.spacy_model)
