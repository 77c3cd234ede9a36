"""Credentials in a reply: detect-secrets' detectors, an explicit list (no entropy
heuristics: a reply is prose, and every long word would look random), run as a Presidio
recognizer. Each detector's own patterns give the span; JWTs must also decode."""

from __future__ import annotations

from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

DETECTORS: tuple[type[RegexBasedDetector], ...] = (
    AWSKeyDetector,
    ArtifactoryDetector,
    AzureStorageKeyDetector,
    BasicAuthDetector,
    DiscordBotTokenDetector,
    GitHubTokenDetector,
    GitLabTokenDetector,
    JwtTokenDetector,
    MailchimpDetector,
    NpmDetector,
    OpenAIDetector,
    PrivateKeyDetector,
    PypiTokenDetector,
    SendGridDetector,
    SlackDetector,
    SquareOAuthDetector,
    StripeDetector,
    TelegramBotTokenDetector,
    TwilioKeyDetector,
)


class SecretsRecognizer(LocalRecognizer):
    """API keys, tokens and private keys, as entity API_KEY with the detector's name."""

    SCORE = 0.95

    def __init__(self) -> None:
        super().__init__(supported_entities=["API_KEY"], name="tactful:api_key")
        self._detectors = [detector() for detector in DETECTORS]

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for detector in self._detectors:
            for pattern in detector.denylist:
                for match in pattern.finditer(text):
                    group = next((g for g in range(1, (match.lastindex or 0) + 1) if match.group(g)), 0)
                    value = match.group(group)
                    if isinstance(detector, JwtTokenDetector) and not detector.is_formally_valid(value):
                        continue
                    start, end = match.span(group)
                    results.append(
                        RecognizerResult(
                            "API_KEY",
                            start,
                            end,
                            self.SCORE,
                            analysis_explanation=AnalysisExplanation(self.__class__.__name__, self.SCORE),
                            recognition_metadata={
                                RecognizerResult.RECOGNIZER_NAME_KEY: self.__class__.__name__,
                                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                "detector": detector.secret_type,
                            },
                        )
                    )
        return results
