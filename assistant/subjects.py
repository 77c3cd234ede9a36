"""Who a record names, as keyed hashes: how an erasure finds every record of a customer
even where the stored text is masked, without the store holding the identifiers.

Each identifier is reduced to the forms it may be written in — case and spacing folded,
its digits alone (account and card numbers), and as an international phone number — and
each form is hashed with the store's secret (HMAC-SHA256). The same identifier given at
erasure ("07700 900123") reaches the same hash as it had in the ticket ("+44 7700 900123")."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import phonenumbers

from .model import Customer, Report

MIN_DIGITS = 6  # shorter runs of digits (a day, a count) identify no one
PERSONAL_CHECK = "confidentiality"


def forms(identifier: str, region: str = "GB") -> set[str]:
    """The normal forms of one identifier (an email, phone, name, account or card number)."""
    folded = " ".join(identifier.casefold().split())
    found = {folded} if len(folded) >= 2 else set()
    digits = re.sub(r"\D", "", identifier)
    if len(digits) >= MIN_DIGITS:
        found.add("#" + digits)
        try:
            number = phonenumbers.parse(identifier, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and phonenumbers.is_possible_number(number):
            found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return found


def region_of(locale: str | None) -> str:
    """The country a locale's phone numbers are read in (en-US → US; GB by default)."""
    region = (locale or "").split("-")[-1].upper()
    return region if len(region) == 2 and region.isalpha() else "GB"


class Subjects:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def hash(self, form: str) -> str:
        return hmac.new(self._secret, form.encode("utf-8"), hashlib.sha256).hexdigest()

    def of(self, identifiers: Iterable[str], region: str) -> list[str]:
        return sorted({self.hash(form) for identifier in identifiers for form in forms(identifier, region)})

    def of_send(self, customer: Customer, report: Report, region: str) -> list[str]:
        """The hashes of the customer's details and of the personal data found in the text."""
        found = [f.excerpt for f in report.findings if f.check == PERSONAL_CHECK and "entity" in f.details]
        given = [customer.name, customer.email, customer.phone, *customer.identifiers]
        return self.of([value for value in [*given, *found] if value], region)

    def identifier_hash(self, identifier: str) -> str:
        """What the erasure's audit entry keeps of the identifier."""
        return self.hash("erasure:" + " ".join(identifier.casefold().split()))
