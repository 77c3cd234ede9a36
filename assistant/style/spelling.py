"""British and American spelling, driven by the guide's locale: the word families where
the two differ (-ise/-ize, -our/-or, -re/-er, -ce/-se, doubled consonants, and a few
words of their own), built as substitution rules so they share the engine's matching.

Words that are correct in both or differ by meaning (practice/practise, licence/license,
program, check/cheque, tire, dialog, judgment, inquiry, meter — a gas meter is a meter in
British English too) are left out: a rule that fires on
correct text costs more than it saves."""

from __future__ import annotations

from functools import cache

from .rules import Substitution

_ISE = """
apologis organis recognis realis prioritis authoris finalis customis minimis maximis summaris
categoris personalis specialis utilis standardis optimis visualis familiaris criticis memoris
itemis normalis sympathis capitalis emphasis centralis computeris digitalis energis equalis
finalis formalis legalis localis modernis neutralis penalis publicis stabilis sterilis
synchronis vandalis characteris harmonis mobilis patronis scrutinis subsidis
""".split()
_ISE_ENDINGS = ("e", "ed", "es", "ing", "ation", "ations", "er", "ers")
_OUR = """
colour favour behaviour honour labour neighbour humour flavour rumour harbour endeavour
vapour savour armour parlour odour
""".split()
_OUR_ENDINGS = ("", "s", "ed", "ing", "ful", "ite", "ites", "able", "ably", "hood", "hoods", "ly", "less")
_RE = "centre litre theatre fibre calibre sombre spectre lustre".split()
_RE_ENDINGS = ("", "s", "d")
_DOUBLED = {  # British: American
    "cancelled": "canceled",
    "cancelling": "canceling",
    "travelled": "traveled",
    "travelling": "traveling",
    "traveller": "traveler",
    "travellers": "travelers",
    "labelled": "labeled",
    "labelling": "labeling",
    "modelled": "modeled",
    "modelling": "modeling",
    "fuelled": "fueled",
    "fuelling": "fueling",
    "counsellor": "counselor",
    "jewellery": "jewelry",
    "enrolment": "enrollment",
    "enrolments": "enrollments",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "instalment": "installment",
    "instalments": "installments",
    "signalled": "signaled",
    "signalling": "signaling",
    "totalled": "totaled",
    "totalling": "totaling",
    "levelled": "leveled",
    "marvellous": "marvelous",
    "skilful": "skillful",
    "wilful": "willful",
}
# British forms American dictionaries list beside their own (Merriam-Webster: "canceled or
# cancelled", "traveled or travelled", "labeled or labelled"): the doubled -l- of these
# verbs is American too, so an American reply is not told to change it (on bench/real,
# "cancelling" and "cancelled" in two US companies' replies were 0 of 2 worth changing).
# A British reply is still told "canceled" is American.
_AMERICAN_TOO = frozenset(
    "cancelled cancelling travelled travelling traveller travellers labelled labelling modelled modelling "
    "fuelled fuelling signalled signalling totalled totalling levelled".split()
)
_WORDS = {
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "paralyse": "paralyze",
    "aluminium": "aluminum",
    "grey": "gray",
    "cosy": "cozy",
    "sceptical": "skeptical",
    "manoeuvre": "maneuver",
    "aeroplane": "airplane",
    "plough": "plow",
    "ageing": "aging",
}


@cache
def british_american() -> dict[str, str]:
    """British spelling -> American, every word form."""
    pairs: dict[str, str] = {}
    for stem in _ISE:
        for ending in _ISE_ENDINGS:
            pairs[stem + ending] = stem[:-1] + "z" + ending
    for word in _OUR:
        for ending in _OUR_ENDINGS:
            pairs[word + ending] = word[:-2] + "r" + ending
    for word in _RE:
        for ending in _RE_ENDINGS:
            pairs[word + ending] = word[:-2] + "er" + ending
    pairs.update(_DOUBLED)
    pairs.update(_WORDS)
    return pairs


def variant_for(locale: str) -> str | None:
    """ "british", "american" or None (a locale whose spelling this does not check)."""
    lang = locale.replace("_", "-").lower()
    if lang in ("en-us", "en-ph"):
        return "american"
    if lang.startswith("en"):
        return "british"
    return None


@cache
def spelling_rule(variant: str) -> Substitution:
    """A substitution rule that flags the other variant's spellings, with this one's."""
    pairs = british_american()
    if variant == "british":
        swap = {american: british for british, american in pairs.items() if american not in pairs}
        message = "Use British spelling: '%s' instead of '%s'."
    else:
        swap = {
            british: american
            for british, american in pairs.items()
            if british not in pairs.values() and british not in _AMERICAN_TOO
        }
        message = "Use American spelling: '%s' instead of '%s'."
    return Substitution(
        extends="substitution",
        message=message,
        level="warning",
        ignorecase=True,
        swap=swap,
        criteria=["DEAL.P12", "DEAL.K8"],
    )
