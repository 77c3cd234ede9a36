"""Tone's rules, declared: id, default severity, message, criteria, and the texts that must
fire each rule and the near-misses that must not (tests/test_rules.py runs them all through
the full pipeline). The check (tone.py) may word a finding more precisely than the default."""

from __future__ import annotations

from ..model import Severity
from ..rules import Rule, RuleSet, examples

UPSET = [{"author": "customer", "text": "This is the THIRD TIME I have written. I am disgusted with your service."}]
CALM = [{"author": "customer", "text": "Hello, could you tell me when my parcel will arrive? Thanks, Dana"}]
NOW = "2026-11-25T10:00:00Z"  # a Wednesday

RULES = RuleSet(
    "tone",
    [
        Rule(
            "tone.empathy_missing",
            # A warning when the customer says in their own words that they are upset (mood.SAYS_UPSET),
            # else a suggestion. On bench/real, right 14 times, wrong 7 (both halves, the held-out
            # one read before it was tuned on): 2 in 3, so a warning. Tuning 8 / 2 (upset at other
            # sellers, and the reply says what is being done about them); held-out 6 / 5 (a
            # disabled phone, a scam email reported, a quoted alert, a calm last message, "letting
            # us know of your concerns"), the 5 gone since by word sense, quotes and
            # acknowledgement (mood.py, phrases.py): now 6 / 0 there.
            Severity.warning,
            "The customer sounds upset, and this reply does not acknowledge it. Start by recognising "
            "how they feel or apologising for what went wrong.",
            ("DEAL.P21", "PROBLEMS.P7", "PROBLEMS.K3", "UTIL.K10"),
            ("I'm sorry for the trouble this has caused.", "I understand how frustrating this must be."),
            fires=examples(
                ("Your bill is correct. Payment is due on Friday.", {"thread": UPSET}),
                ("Hi Dana,\n\nThe parcel will arrive on Friday.\n\nKind regards,\nSam", {"thread": UPSET}),
            ),
            passes=examples(
                (
                    "Hi Dana,\n\nI'm sorry for the wait. The parcel will arrive on Friday.\n\nKind regards,\nSam",
                    {"thread": UPSET},
                ),
                (
                    "Hi Dana,\n\nI understand how frustrating this has been. The parcel arrives on Friday.\n\nSam",
                    {"thread": UPSET},
                ),
                ("Hi Dana,\n\nThe parcel will arrive on Friday.\n\nKind regards,\nSam", {"thread": CALM}),
            ),
        ),
        Rule(
            "tone.blame",
            Severity.warning,
            "This puts the customer in the wrong. Restate the point without blame: the customer may "
            "have missed it, and saying so again helps nobody.",
            ("UTIL.P9", "UTIL.K2", "PROBLEMS.K9", "PROBLEMS.P6"),
            (),
            fires=examples(
                "As I already told you, you should have read the instructions.",
                "Per my last email, the form must be signed.",
                "You failed to return the form in time.",
                "If you had read the terms you would know this.",
            ),
            passes=examples(
                "Hi Dana, as we discussed, I've sent the form again. Thanks, Sam",
                "You should receive the form tomorrow.",
                "I've sent them by next-day delivery, so you should have them by Thursday.",
                "I should have checked this sooner, and I'm sorry I didn't.",
            ),
        ),
        Rule(
            "tone.condescension",
            # On the tuning half of bench/real, right 0 times, wrong 1: "FYI, payments get suspended
            # because of...", plain shorthand, now left out of the phrases.
            Severity.warning,
            "This can read as talking down to the customer. Leave it out or say it plainly.",
            ("UTIL.K2", "PROBLEMS.K9", "DEAL.P20"),
            (),
            fires=examples(
                "Obviously, the router needs to be switched on.",
                "It's not rocket science: press the button.",
                "Calm down, we are looking into it.",
            ),
            passes=examples(
                "The router needs to be switched on; the green light shows it is ready.",
                "Press the button on the back and hold it for five seconds.",
            ),
        ),
        Rule(
            "tone.sarcasm",
            Severity.warning,
            "This can read as sarcastic in writing, where tone of voice is lost. Say what you mean plainly.",
            ("UTIL.K2", "PROBLEMS.K9", "DEAL.P20"),
            (),
            fires=examples("Thanks for nothing, I suppose we'll look again.", "Good luck with that."),
            passes=examples(
                "Thanks for your patience while we looked into this.",
                "Good luck with the move, and thanks for being with us.",
            ),
        ),
        Rule(
            "tone.curt",
            # A suggestion: on the tuning half of bench/real, right 0 times, wrong 2 (informative
            # public replies with no pleasantry: "If your video is blocked, it's likely because
            # ... More info here: <link>"). An upset customer's reply is empathy_missing's.
            Severity.suggestion,
            "This reply has no greeting, thanks or friendly word and can read as cold. Open warmly and "
            "close with an offer of further help.",
            ("DEAL.P11", "DEAL.P20", "RELATE.K8", "UTIL.K2"),
            (),
            fires=examples(
                ("Your bill is correct. Payment is due on Friday.", {}),
                ("Refund done.", {"channel": "chat"}),
                ("Your order shipped.", {"channel": "sms", "thread": UPSET}),
            ),
            passes=examples(
                ("Hi Dana, thanks for your message. Your bill is correct and payment is due on Friday.", {}),
                (
                    "Webhook deliveries are retried up to 8 times over 24 hours with exponential backoff. "
                    "If all attempts fail, the event is marked as failed in your dashboard and you can replay it "
                    "from the Events page.",
                    {"channel": "chat"},
                ),
                ("No problem at all, Ellie. The exchange is set up.", {"channel": "chat"}),
                ("Your order has shipped and arrives Friday.", {"channel": "sms"}),
                ("Sorry for the wait! Your refund is done.", {"channel": "chat"}),
            ),
        ),
        Rule(
            "tone.bare_imperative",
            Severity.suggestion,
            "A bare instruction can sound like an order. Ask instead.",
            ("RELATE.K8", "UTIL.K2", "DEAL.P20"),
            (),
            fires=examples("Send us the receipt. We will check it.", "Provide your meter reading by Monday."),
            passes=examples(
                "Please send us the receipt and we will check it.",
                "Hi Dana,\n\nThanks for your message, I'm happy to help. Send us the receipt if you still have it."
                "\n\nSam",
                "Hi Dana,\n\n- Send the receipt\n- Keep the box\n\nThanks, Sam",
                ("Your parcel arrives on Friday. Reply STOP to opt out.", {"channel": "sms"}),
            ),
        ),
        Rule(
            "tone.negative_framing",
            Severity.suggestion,
            "Several negatives in a row (unfortunately, cannot, unable...). Say what you can do, and "
            "when, rather than what you cannot.",
            ("PROBLEMS.K11", "UTIL.K6", "RELATE.K8"),
            (),
            fires=examples(
                "Unfortunately we cannot change the date as we are unable to reach the courier.",
                "We can't refund it. Unfortunately we are unable to make an exception.",
            ),
            passes=examples(
                "We can change the date as soon as the courier confirms, which is usually within a day.",
                "I'm sorry we couldn't deliver on Monday. The new date is Thursday.",
            ),
        ),
        Rule(
            "tone.refusal_no_reason",
            # A suggestion: on the tuning half of bench/real, right 0 times, wrong 1 (a rule about
            # what others may do, "price gouging ..., both of which aren't allowed on eBay").
            Severity.suggestion,
            "This says no without saying why. Explain the reason (the policy, the rule, what it "
            "protects) and, where you can, what you can do instead.",
            ("UTIL.P7", "UTIL.K6"),
            (),
            fires=examples("Hi Dana, we cannot offer a refund. Kind regards, Sam", "Your claim has been declined."),
            passes=examples(
                "We cannot offer a refund because the item was bought more than 30 days ago.",
                "We can't refund the fee. This is because the booking terms make it non-refundable.",
                "Your claim has been declined as the damage happened after delivery.",
            ),
        ),
        Rule(
            "tone.shouting",
            # On bench/real right 0 times, wrong 1 (held-out: "OS, CPU, RAM GPU", a list of
            # initialisms missing a comma, no longer read as a shout); no other warning.
            Severity.warning,
            "Capitals read as shouting. Use ordinary case.",
            ("DEAL.P20", "DEAL.K10", "UTIL.K2"),
            (),
            fires=examples("PLEASE DO NOT CALL THIS NUMBER AGAIN.", "You must NOT share your password."),
            passes=examples(
                "Please don't share your PIN or password with anyone.",
                "Your VAT invoice is attached as a PDF; the reference is INC0012345.",
                ("Text HELP to 60123 for help with your account.", {"channel": "sms"}),
            ),
        ),
        Rule(
            "tone.exclamations",
            Severity.suggestion,
            "Repeated punctuation reads as shouting or sarcasm. One mark is enough.",
            ("DEAL.P20", "DEAL.K10", "DEAL.P12"),
            (),
            fires=examples("Your order is on its way!!", "Great news! It's fixed! Enjoy! Thanks!"),
            passes=examples(
                "Great news: your order is on its way!", "Thanks so much for your patience! It's fixed now."
            ),
        ),
        Rule(
            "tone.jargon",
            Severity.suggestion,
            "This term may mean nothing to this customer. Say it plainly.",
            ("DEAL.K11", "DEAL.P13", "DEAL.P3"),
            (),
            fires=examples("I've escalated your ticket to tier 2.", "Your router needs new firmware."),
            passes=examples(
                ("Your router needs new firmware.", {"audience": "technical"}),
                "I've passed your request to our specialist team.",
            ),
        ),
        Rule(
            "tone.promise",
            Severity.warning,
            "This is a promise the organisation may not be able to keep. Say what will happen next and "
            "what you expect, without guaranteeing it.",
            ("PROBLEMS.P18", "DELIVER.P13", "UTIL.K6", "DEAL.K9"),
            ("we expect", "we aim to"),
            fires=examples(
                "I guarantee you'll get a full refund of £850 by tomorrow.",
                ("The fault will be fixed by tomorrow.", {"now": NOW}),
                "We will definitely have it with you on Friday.",
            ),
            passes=examples(
                "We expect the engineer to finish the repair on Friday, and I'll update you then.",
                ("I'll make sure the credit covers every day from 2 March until the fault is fixed.", {"now": NOW}),
                "Your kettle comes with a two-year guarantee.",
                "I'll call you back tomorrow morning with an update.",
            ),
        ),
        Rule(
            "tone.authority",
            Severity.blocker,
            "This commits to more than an agent may. Check with your team leader before promising it.",
            ("UTIL.P10", "UTIL.K7", "UTIL.K14", "RELATE.K15", "PROBLEMS.K2"),
            (),
            fires=examples(
                "I guarantee you'll get a full refund of £850 by tomorrow.",
                "As a gesture of goodwill we will credit your account with £75.",
                ("I'll send the replacement on 20 January.", {"now": NOW}),
            ),
            passes=examples(
                "I'll refund the £42 delivery charge today.",
                "Your refund of £850 has been processed and will reach you within 5 working days.",
                "Your bill of £850 is due on Friday.",
                "We can't offer a refund of £850, as the order was cancelled after dispatch.",
                ("I'll send the replacement on 30 November.", {"now": NOW}),
                ("We will respond within one calendar month, that is by 10 April.", {"now": NOW}),
                ("From your next billing date on 5 April you'll be charged the full price.", {"now": NOW}),
                ("If the refund hasn't appeared by 20 March, reply and I'll chase it.", {"now": NOW}),
            ),
        ),
        Rule(
            "tone.referral",
            Severity.warning,
            "Say who you are passing the customer to (the team or organisation by name) and why, so "
            "they know what happens next.",
            ("DELIVER.P16", "UTIL.K14", "PROBLEMS.P19"),
            (),
            fires=examples(
                "I've passed your query to another team.",
                "You'll need to contact the relevant department.",
                "I've passed your query to our Billing team.",
            ),
            passes=examples(
                "I've passed your query to our Billing team, who can correct the direct debit date.",
                "I've passed your query to our Billing team. They can correct the direct debit date.",
                "Please contact your energy supplier, Northern Power, about the meter.",
            ),
        ),
    ],
)
