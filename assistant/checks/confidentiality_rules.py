"""The confidentiality check's rules, declared once: one per kind of personal data or
secret (its id is the entity's, lower-cased), the internal information rules, the media
rule and the permanent-record risks. Each finding picks the message, severity and
criteria of its case (public channel, not this customer's, the customer's own sensitive
data...); the rule holds what every case shares and the texts that must fire it."""

from __future__ import annotations

from ..model import Severity
from ..privacy.entities import ENTITIES
from ..rules import Example, Rule, RuleSet, examples
from .risks import default_risks

CHECK = "confidentiality"
PUBLIC = {"channel": "social_public"}
# Every case of personal data cites these (DEAL.K15 written records, RELATE.K9 privacy).
PERSONAL_DATA = ("DEAL.K15", "RELATE.K9")
INTERNAL = ("DEAL.K15", "DEAL.K9", "RELATE.K2", "UTIL.P1")
MEDIA = ("UTIL.K5", "UTIL.P10", "DEAL.K9")
NOTE = ("DEAL.K9", "DEAL.K15", "UTIL.K15", "RELATE.K9")
# Texts that fire each entity's rule under the default guide (email unless PUBLIC: the
# customer's own contact details are fine in a private reply), and near-misses.
_CUSTOMER = {"customer": {"name": "Dana Price", "phone": "07911 123456", "identifiers": ["88123047"]}}
ENTITY_EXAMPLES: dict[str, tuple[tuple[Example, ...], tuple[Example, ...]]] = {
    "CREDIT_CARD": (
        examples("I've taken the payment from 4666 1760 3137 2159 as you asked."),
        examples("I've taken the payment from the card ending 2159 as you asked."),
    ),
    "IBAN_CODE": (
        examples("Your refund will go to GB30 HBUK 7013 1457 7358 01 within five working days."),
        examples("Your refund will go to your bank account within five working days."),
    ),
    "UK_BANK_ACCOUNT": (
        examples("The direct debit comes from sort code 20-45-77 account 41539210 each month."),
        examples("The direct debit comes from your usual bank account each month."),
    ),
    "ACCOUNT_NUMBER": (
        examples("Your account number is 88123047 and your next bill is due on Friday."),
        examples(("Your account number is 88123047 and your next bill is due on Friday.", _CUSTOMER)),
    ),
    "UK_NINO": (
        examples("We have your National Insurance number as JG 10 37 52 A."),
        examples("We have your National Insurance number on file."),
    ),
    "UK_NHS": (
        examples("I've noted your NHS number 787 200 9773 on the priority services register."),
        examples("I've noted your NHS number on the priority services register."),
    ),
    "UK_POSTCODE": (
        examples(("I have sent the replacement to Leeds LS6 2QT today.", PUBLIC)),
        examples(("I have sent the replacement to your home address today.", PUBLIC)),
    ),
    "STREET_ADDRESS": (
        examples(("I have sent the replacement to 14 Rowan Close, Leeds.", PUBLIC)),
        examples(("I have sent the replacement to your address in Leeds.", PUBLIC)),
    ),
    "EMAIL_ADDRESS": (
        examples(("We have your email as grace.obi@example.net, so please check your inbox.", PUBLIC)),
        examples(("Please forward the message to abuse@example.com and we will look into it.", PUBLIC)),
    ),
    "DATE_OF_BIRTH": (
        examples("We have your date of birth as 14/07/1962 on your account."),
        examples("We have your date of birth on your account."),
    ),
    "UK_PASSPORT": (
        examples("Your passport number 533401287 matches the one on your booking."),
        examples("Your passport number matches the one on your booking."),
    ),
    "UK_DRIVING_LICENCE": (
        examples("The driving licence number you gave, MORGA753116SM9IJ, has been accepted."),
        examples("The driving licence you gave has been accepted."),
    ),
    "IP_ADDRESS": (
        examples(("I can see a device on your router at 192.168.1.24 right now.", PUBLIC)),
        examples(("I can see a device on your router right now.", PUBLIC)),
    ),
    "PASSWORD": (
        examples("Your temporary password is Blue-Harbour-83 and you'll be asked to change it."),
        examples("We will never ask for your password. Use the link to recover your account."),
    ),
    "ONE_TIME_CODE": (
        examples("Your one-time code is 482913. It expires in ten minutes."),
        examples("Your one-time code expires in ten minutes."),
    ),
    "SECURITY_ANSWER": (
        examples("I've added the memorable word Bramble to your account."),
        examples("I've added a memorable word to your account."),
    ),
    "MPAN": (
        examples("I've checked your electricity supply and the MPAN is 1779542810077."),
        examples("I've checked your electricity supply and the MPAN is on your bill."),
    ),
    "MPRN": (
        examples("Your gas MPRN is 7321459086 and it is now registered to you."),
        examples("Your gas MPRN is on your bill and it is now registered to you."),
    ),
    "METER_SERIAL": (
        examples("The new meter serial number is E10BG48213 and it was fitted today."),
        examples("The new meter serial number is on the front and it was fitted today."),
    ),
    "PHONE_NUMBER": (
        examples("I have updated the phone number on your account to 07911 123456."),
        examples(("I have updated the phone number on your account to 07911 123456.", _CUSTOMER)),
    ),
    "API_KEY": (
        examples("The API key in your logs was AKIAIOSFODNN7EXAMPLE, so please rotate it."),
        examples("The logs held no API key, so nothing needs rotating."),
    ),
    "PERSON": (
        examples(("I have passed your complaint to Margaret Ellis in billing.", _CUSTOMER)),
        examples(("Hi Dana Price,\n\nYour parcel arrives on Friday.\n\nKind regards,\nSam", _CUSTOMER)),
    ),
}


def _entity_rule(entity: str) -> Rule:
    fires, passes = ENTITY_EXAMPLES[entity]
    name = ENTITIES[entity].name
    return Rule(
        f"{CHECK}.{entity.lower()}",
        Severity.blocker,
        f"This reply holds {name}. Check whose it is and whether it needs to be in writing at all.",
        PERSONAL_DATA,
        fires=fires,
        passes=passes,
    )


def _risk_rules() -> list[Rule]:
    """The built-in permanent-record risks (a guide may change their phrases, messages and
    severities under `confidentiality.risks`, keeping the ids)."""
    return [
        Rule(
            f"{CHECK}.{risk.id}",
            risk.severity,
            risk.message,
            tuple(risk.criteria),
            tuple(risk.suggestions),
            fires=examples(f"I'm sorry about the delay, {risk.phrases[0]}, and I will call you tomorrow."),
            passes=examples("I'm sorry about the delay, and I will call you tomorrow."),
        )
        for risk in default_risks().rules
    ]


RULES = RuleSet(
    CHECK,
    [
        *(_entity_rule(entity) for entity in ENTITIES),
        Rule(
            f"{CHECK}.internal_note",
            Severity.blocker,
            "This repeats an internal note. Notes are for colleagues and may hold opinions, other people's details "
            "or systems: tell the customer only the outcome, in your own words.",
            NOTE,
            fires=examples(
                (
                    "Hi Dana, the engineer said the boiler flue was fitted wrongly by the previous installer.",
                    {
                        "thread": [
                            {
                                "author": "internal_note",
                                "text": "Engineer said the boiler flue was fitted wrongly by the previous installer.",
                            }
                        ]
                    },
                )
            ),
            passes=examples(
                (
                    "Hi Dana, an engineer will visit on Tuesday to look at your boiler.",
                    {
                        "thread": [
                            {
                                "author": "internal_note",
                                "text": "Engineer said the boiler flue was fitted wrongly by the previous installer.",
                            }
                        ]
                    },
                )
            ),
        ),
        Rule(
            f"{CHECK}.internal_domain",
            Severity.blocker,
            "This points to an internal system customers cannot reach and should not see. Remove the link and "
            "describe the outcome instead.",
            INTERNAL,
            fires=(Example("The details are at https://wiki.intranet.example/refunds for you.", guide="strict"),),
            passes=(Example("The details are at https://www.example.com/refunds for you.", guide="strict"),),
        ),
        Rule(
            f"{CHECK}.code_name",
            Severity.blocker,
            "This is an internal code name. Customers do not know it: use the public name of the product or "
            "service, or describe it.",
            INTERNAL,
            fires=(Example("Your account moves to Project Nightjar next week.", guide="strict"),),
            passes=(Example("Your account moves to our new billing system next week.", guide="strict"),),
        ),
        Rule(
            f"{CHECK}.staff_phrase",
            Severity.warning,
            "This wording is for staff only. Say what it means for the customer instead.",
            INTERNAL,
            fires=examples("I have checked the goodwill matrix and can offer you £20."),
            passes=examples("I have checked what we can do and can offer you £20."),
        ),
        Rule(
            f"{CHECK}.media_enquiry",
            Severity.blocker,
            "The customer's message is a press or media enquiry. Do not answer it yourself: pass it to the media "
            "team and tell the sender who will reply.",
            MEDIA,
            fires=examples(
                (
                    "Thanks for getting in touch. Our outage began at 9am.",
                    {"thread": [{"author": "customer", "text": "I'm a journalist at the Herald, for an article."}]},
                )
            ),
            passes=examples(
                (
                    "Thanks for getting in touch. Our outage began at 9am.",
                    {"thread": [{"author": "customer", "text": "Is the outage over yet?"}]},
                )
            ),
        ),
        *_risk_rules(),
    ],
)
