"""Personal data the project did not write: Faker's names, street addresses, phone
numbers, emails, cards and IBANs of fifteen locales, in reply-like sentences, labelled.

    PYTHONPATH=. python bench/confidentiality/generate.py   # rewrites generated_dev.jsonl, generated_holdout.jsonl

Generated once and committed (Faker pinned in constraints.txt, seeded): the recognizers
may be tuned on `generated_dev.jsonl` (seed 1) only; `generated_holdout.jsonl` (seed 2)
is for the report. Each line: {"locale", "text", "entities": [{"type", "start", "end"}]}.
The sentences are ours, the data Faker's, in the formats each locale writes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from faker import Faker

HERE = Path(__file__).resolve().parent
LOCALES = (
    "en_US",
    "en_GB",
    "en_IE",
    "en_IN",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pl_PL",
    "pt_BR",
    "sv_SE",
    "tr_TR",
    "vi_VN",
    "yo_NG",
)
# Reply-like sentences; {slot} is filled with a Faker value and labelled.
TEMPLATES = (
    "I've updated the booking for {PERSON} as you asked.",
    "I spoke to {PERSON} this morning and the order is on its way.",
    "The parcel was signed for by {PERSON} at 10:42.",
    "Your neighbour {PERSON} took the delivery in for you.",
    "The account is in the name of {PERSON}, so they will need to call us.",
    "We have added {PERSON} as a second account holder.",
    "As agreed with {PERSON}, the engineer will visit on Friday.",
    "{PERSON} from our billing team will look into it.",
    "Could you ask {PERSON} to confirm the change?",
    "The courier will collect the return from {STREET_ADDRESS} on Tuesday.",
    "We have changed your delivery address to {STREET_ADDRESS}, {city}.",
    "The engineer will come to {STREET_ADDRESS} between 8am and 12pm.",
    "Your new card will be posted to {STREET_ADDRESS}.",
    "I can see the meter is registered at {STREET_ADDRESS}, {city}.",
    "Is {STREET_ADDRESS} still the right address for the invoice?",
    "You can reach me directly on {PHONE_NUMBER}.",
    "Please call us back on {PHONE_NUMBER} if anything changes.",
    "The driver tried to ring you on {PHONE_NUMBER} but got no answer.",
    "Could you confirm that {PHONE_NUMBER} is still your mobile number?",
    "We will text {PHONE_NUMBER} when the technician is on the way.",
    "The number we hold for you is {PHONE_NUMBER}.",
    "We'll send the refund confirmation to {EMAIL_ADDRESS} within a day.",
    "I have copied {EMAIL_ADDRESS} into this reply.",
    "The invoice went to {EMAIL_ADDRESS} on Monday.",
    "I can see a payment from card {CREDIT_CARD} on 3 March.",
    "The refund will go back to card {CREDIT_CARD}.",
    "The charge on {CREDIT_CARD} has now been reversed.",
    "The transfer went to IBAN {IBAN_CODE} yesterday.",
    "Please check that {IBAN_CODE} is the account for the refund.",
    "{PERSON} asked us to send the letter to {STREET_ADDRESS}.",
    "I've noted {PERSON} as the contact, on {PHONE_NUMBER}.",
    "We emailed {PERSON} at {EMAIL_ADDRESS} about the missed visit.",
    "{PERSON}'s details are now {STREET_ADDRESS}, {city}, {PHONE_NUMBER}.",
    "Thanks for your patience while {PERSON} checked the payment from {CREDIT_CARD}.",
)


def _value(fake: Faker, slot: str) -> str:
    if slot == "PERSON":
        return f"{fake.first_name()} {fake.last_name()}"
    if slot == "STREET_ADDRESS":
        return " ".join(fake.street_address().split())  # Indian addresses come on two lines
    if slot == "PHONE_NUMBER":
        return fake.phone_number()
    if slot == "EMAIL_ADDRESS":
        return fake.email()
    if slot == "CREDIT_CARD":
        number = fake.credit_card_number()
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    if slot == "IBAN_CODE":
        return fake.iban()
    if slot == "city":
        return fake.city()
    raise ValueError(slot)


def generate(seed: int, per_locale: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        for _ in range(per_locale):
            template = rng.choice(TEMPLATES)
            text, entities, at = "", [], 0
            for piece in template.replace("}", "{").split("{"):
                if at % 2:
                    value = _value(fake, piece)
                    if piece != "city":
                        entities.append({"type": piece, "start": len(text), "end": len(text) + len(value)})
                    text += value
                else:
                    text += piece
                at += 1
            rows.append({"locale": locale, "text": text, "entities": entities})
    return rows


def main() -> None:
    for name, seed in (("generated_dev.jsonl", 1), ("generated_holdout.jsonl", 2)):
        rows = generate(seed, per_locale=40)
        with (HERE / name).open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} sentences, {sum(len(r['entities']) for r in rows)} entities")


if __name__ == "__main__":
    main()
