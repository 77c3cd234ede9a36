"""Whether a span `ner` calls a person is one, from the words around it.

spaCy's small model reads capitalised words as names: product names ("Premiere Pro",
"Creative Cloud"), features ("Quick Start"), teams ("Creator Support"), and a sentence's
first word ("Mind sharing...", "Fingers crossed"). English says otherwise: a person's
name takes no article ("a Mac", "your Gamertag"), does not modify a noun ("Creative
Cloud apps", "the Xbox Live account"), does not end in a product word ("Pro", "Cloud",
"Support"), and a verb or adjective opening a sentence is an imperative or an
interjection, not a subject. Names the guide lists as its products and brands are not
people either. And a name set off by commas, or closing a sentence after a noun, is the
person addressed ("Thanks for reaching out, Joshua."), not someone else's."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.language import Language

from .streets import TYPES_BEFORE

# Words before a noun phrase that no person's name takes.
_DETERMINERS = frozenset(
    "a an the your our my his her their its this that these those any every each some no another which "
    "what whose".split()
)
# Common nouns a product, feature or team name modifies ("Creative Cloud apps").
_HEADS = frozenset(
    "account accounts app apps application applications customers customer users user members member subscription "
    "subscriptions plan plans membership service services settings setting store device devices feature features "
    "page pages website site program programs version versions update updates edition library channel channels "
    "community forum help menu tab button option options tool tools software product products license licence "
    "card balance id profile team teams support desk article articles folder folders file files server servers "
    "platform login sign-in password client extension plugin plug-in integration integrations code codes content "
    "mode window preferences panel dashboard portal gift credit points rewards offer offers deal deals policy".split()
)
# Words that end or make up product, service and team names, and no one's surname.
_PRODUCT_WORDS = frozenset(
    "pro plus cloud live support store drive tv music video pay id premium edition studio center centre hub online "
    "start team care help desk app apps mobile business prime air mini ultra lite express suite cc sync connect "
    "community forum services service account accounts assistant settings update player messenger".split()
)
# Prepositions and conjunctions before a name that closes a sentence: the person is
# talked about ("pass this to Sarah."), not addressed.
_ABOUT = frozenset(
    "to with from by for at about of and or than via like as named called contact ask tell email message call "
    "thank thanked is was are were be been".split()
)
_ELONGATED = re.compile(r"(\w)\1\1")  # "Uhhh", "Sooo": three of a letter is no name
_WORD = re.compile(r"[\w'’-]+")
# A sentence opens after an @handle or a link as after a full stop: "...: https://x.co Drop it there!"
_AFTER_HANDLE_OR_LINK = re.compile(r"(?:(?:^|\s)@\w+|https?://\S+)\s+$")


@dataclass(frozen=True)
class Words:
    """Verbs, adjectives and adverbs (names, bar a few: "Mark", "Will", "Grace", are none
    of these) and nouns: the lemmatizer's index (WordNet's) that spaCy's English model ships."""

    verbs_adjectives: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()

    @classmethod
    def of(cls, nlp: Language) -> Words:
        if "lemmatizer" not in nlp.component_names:
            return cls()
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
        return cls(
            frozenset().union(*(index.get(pos, []) for pos in ("verb", "adj", "adv"))),
            frozenset(index.get("noun", [])),
        )

    def common(self, word: str) -> bool:
        """A verb, adjective or adverb, or the plural of a noun ("Fingers"; not "Jones",
        itself a noun in the index)."""
        low = word.lower()
        if low in self.verbs_adjectives:
            return True
        return (
            low.endswith("s")
            and low not in self.nouns
            and (low[:-1] in self.nouns or low[:-1] in self.verbs_adjectives)
        )


def _words_before(text: str, start: int, count: int = 1) -> list[str]:
    line_start = max(text.rfind("\n", 0, start), start - 60)
    return [w.lower() for w in _WORD.findall(text[max(0, line_start) : start])][-count:]


def _next_word(text: str, end: int) -> str:
    match = _WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    return match.group() if match else ""


def _opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n" or bool(_AFTER_HANDLE_OR_LINK.search(text, max(0, start - 300), start))


@functools.lru_cache(maxsize=64)
def lexicon_words(names: tuple[str, ...]) -> frozenset[str]:
    """The guide's product and brand names as word sequences, lower-cased."""
    return frozenset(" ".join(w.lower() for w in _WORD.findall(name)) for name in names if name.strip())


def not_a_person(text: str, start: int, end: int, words_known: Words) -> str | None:
    """Why text[start:end], which `ner` read as a person, is no one's name; None when
    nothing says so."""
    words = _WORD.findall(text[start:end])
    if not words:
        return None
    low = [w.lower() for w in words]
    if len(words) > 1 and low[0] in TYPES_BEFORE:
        return "a street"
    before = _words_before(text, start)
    if before and before[0] in _DETERMINERS:
        return "after an article"
    following = _next_word(text, end)
    if following in _HEADS and not low[-1].endswith(("'s", "’s")):  # "Evelyn Price's account" is hers
        return "modifies a noun"
    if len(words) > 1 and low[-1] in _PRODUCT_WORDS:
        return "ends in a product word"
    if len(words) == 1 and _opens_sentence(text, start):
        if _ELONGATED.search(low[0]):
            return "an interjection"
        if following and following[0].islower() and words_known.common(words[0]) and not _predicate(following, low[0]):
            return "a verb or adjective opening the sentence"
    return None


def _predicate(following: str, word: str) -> bool:
    """Whether `following` reads as the verb of a subject `word` ("Mark called", "Grace
    says"): then `word` is a name. Not after a plural noun: "Fingers crossed"."""
    if word.endswith("s"):
        return False
    low = following.lower()
    return low in _AUXILIARIES or low.endswith(("ed", "s")) and not low.endswith("ss")


_AUXILIARIES = frozenset(
    "is was has had will would can could should may might must did does said told asked called rang emailed "
    "wrote sent mentioned confirmed".split()
)


# Words in the names of companies and institutions.
_ORGANISATION_WORDS = frozenset(
    "inc ltd llc llp corp corporation plc gmbh ag sa sas srl bv co company group bank banks university college school "
    "hospital council agency foundation association society institute airlines airways air energy telecom media "
    "studios labs systems solutions technologies partners holdings international global national insurance "
    "finance financial capital trust church club federation union ministry department office".split()
)


def looks_like_a_full_name(tokens: list[str], words_known: Words) -> bool:
    """Capitalised words, none a word of the language or of a company's or product's name."""
    if not all(t.isalpha() and t[0].isupper() and not t.isupper() for t in tokens):
        return False
    low = [t.lower() for t in tokens]
    return not any(
        w in _ORGANISATION_WORDS or w in _PRODUCT_WORDS or w in words_known.nouns or words_known.common(w) for w in low
    )


def in_lexicon(value: str, lexicon: frozenset[str]) -> bool:
    """Whether `value` is one of the guide's names, with at most product words around it
    ("Xbox Live Support" when the guide lists "Xbox Live")."""
    if not lexicon:
        return False
    words = [w.lower() for w in _WORD.findall(value)]
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            if " ".join(words[first : first + size]) in lexicon:
                rest = words[:first] + words[first + size :]
                return all(w in _PRODUCT_WORDS for w in rest)
    return False


def addressed(text: str, start: int, end: int) -> bool:
    """A first name the reply speaks to: set off by a comma before it and punctuation
    after ("Thanks, Joshua!", "Hey there, Sam,"), or closing a sentence straight after a
    noun or adjective, the comma left out ("Congrats on the sale Craig!"). A full name is
    never read so: "..., Jane Doe, and Ann Lee" is a list."""
    if not _WORD.fullmatch(text[start:end]):
        return False
    after = text[end : end + 2]
    closes = not after.strip() or after[0] in ",.!?;:)" or after.startswith((" -", " —"))
    if not closes:
        return False
    before = text[max(0, start - 2) : start]
    if before.endswith((", ", ",")):
        return True
    previous = _words_before(text, start)
    return bool(after) and after[0] in ".!?" and bool(previous) and previous[0] not in _ABOUT
