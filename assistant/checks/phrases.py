"""Phrase tables the tone and structure checks read: what a greeting, a sign-off, an
apology or a blaming phrase looks like in a customer-service reply.

Declared as data and compiled once at import; the checks only match. Every pattern is
case-insensitive and matched against the agent's own text (quoted history, signature,
links and codes blanked), never against the customer's words (the customer's mood: assistant/mood.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE
_L = 0  # patterns matched against lower-cased text (see `lower`): faster than IGNORECASE


def _words(*alternatives: str) -> str:
    """Any of the alternatives as whole words. A look-behind rather than a leading \\b:
    measured three to six times faster with Python's re on these long alternations."""
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


# -- openings and closings (structure, courtesy) --------------------------------------
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening|day)|morning|afternoon|"
    r"greetings|welcome|thanks?\b|thank\s+you)\b",
    _I,
)
SIGN_OFF = re.compile(
    _words(
        r"(?:kind|best|warm|warmest|many|with\s+kind)\s+(?:regards|wishes)",
        r"regards",
        r"best",
        r"yours\s+(?:sincerely|faithfully|truly)",
        r"sincerely",
        r"cheers",
        r"thanks(?:\s+again)?",
        r"thank\s+you(?:\s+again)?",
        r"all\s+the\s+best",
        r"take\s+care",
        r"speak\s+soon",
        r"have\s+a\s+(?:good|great|lovely|nice)\s+\w+",
    )
    + r"[\s,.!]*(?:\n|$)"
    + r"|^\s*[\^~–—-]\s?[A-Z][\w.]*\s*$"  # social and chat sign-offs: ^Priya, – Sam
    + r"|^[ \t]*(?:thanks|thank\s+you)\s+for\s+[^.!?\n,]{1,40},[ \t]*\n[ \t]*\w",  # "Thanks for your patience,\nJo"
    _I | re.MULTILINE,
)

# -- what a courteous, empathetic reply says ----------------------------------------
# cue name -> pattern. Counted per sentence for the scores and their attribution.
COURTESY_CUES: dict[str, re.Pattern[str]] = {
    "greeting": re.compile(r"^\s*(?:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening))\b", _L),
    "thanks": re.compile(
        _words(r"thanks?", r"thank\s+you", r"grateful", r"appreciate\s+(?:you|your|the|it|that|this)"), _L
    ),
    "please": re.compile(
        _words(r"please", r"kindly", r"would\s+you\s+mind", r"could\s+you", r"would\s+you\s+be\s+able"), _L
    ),
    "offer": re.compile(
        _words(
            r"(?:happy|glad|pleased|delighted)\s+to",
            r"let\s+(?:me|us)\s+know",
            r"here\s+to\s+help",
            r"feel\s+free",
            r"don[’']?t\s+hesitate",
            r"do\s+not\s+hesitate",
            r"you[’']?re\s+welcome",
            r"hope\s+(?:this|that|you|it|we)",
            r"i\s+hope",
            r"my\s+pleasure",
            r"no\s+problem",
            r"no\s+worries",
            r"(?:good|great)\s+question",
            r"of\s+course",
            r"sure\s+thing",
            r"(?:good|great)\s+news",
            r"glad",
            r"^\s*(?:great|perfect|brilliant|lovely|excellent|wonderful|fantastic)\s*[,!]",  # "Perfect, that's done"
            # a chat agent's holding line and offers: "one moment while I check", "would you like..."
            r"(?:one|just\s+a)\s+(?:moment|minute|second|sec)",
            r"bear\s+with\s+me",
            r"would\s+you\s+like",
            r"(?:i|we)\s+can\s+(?:certainly\s+|definitely\s+)?help",
            # how social agents offer: "we'd like to help", "let's take a look", "keep us posted"
            r"(?:we|i)(?:[’']d|\s+would)\s+(?:like|love)\s+to\s+(?:help|look|take|check|assist|get)",
            r"let[’']?s\s+(?:take|see|get|have|look|figure|try|check|work|start)",
            r"(?:tweet|write|reach|get|dm)\s+(?:back\s+)?(?:to\s+)?(?:@\s+)?us\s+(?:if|when|any|anytime|with)",
            r"keep\s+us\s+(?:posted|updated|in\s+the\s+loop)",
            r"(?:i|we)[’']?(?:re|\s+are|m|\s+am)\s+here\s+(?:to|for)",
            r"(?:we[’']ve|we\s+have|i[’']ve)\s+got\s+your\s+back",
            r"mind\s+(?:sharing|telling|sending|letting|checking|confirming)",
            r"^\s*(?:absolutely|certainly|sure|of\s+course|i\s+see|got\s+it|gotcha|okay|ok|alright)\s*[,.!]",
        ),
        _L,
    ),
    "wellwish": re.compile(
        _words(
            r"have\s+a\s+(?:good|great|lovely|nice|wonderful)",
            r"take\s+care",
            r"best\s+wishes",
            r"(?:kind|warm|best)\s+regards",
            r"all\s+the\s+best",
            r"enjoy",
        ),
        _L,
    ),
}
EMPATHY_CUES: dict[str, re.Pattern[str]] = {
    "apology": re.compile(
        _words(
            r"sorry",
            r"apolog(?:y|ies|ise|ize|ised|ized|ising|izing)",
            r"regret\s+(?:that|the)",
            r"my\s+mistake",
            r"our\s+mistake",
            r"our\s+fault",
            r"we\s+got\s+(?:this|it)\s+wrong",
        ),
        _L,
    ),
    "acknowledgement": re.compile(
        _words(
            r"(?:i|we)\s+(?:completely\s+|fully\s+|really\s+|totally\s+)?understand",
            r"(?:i|we)\s+can\s+(?:see|imagine|understand)",
            r"how\s+(?:frustrating|upsetting|worrying|stressful|annoying|disappointing|inconvenient)",
            r"understandabl[ey]",
            r"(?:must|would)\s+(?:have\s+been|be)\s+(?:so\s+|very\s+|really\s+)?"
            r"(?:frustrating|upsetting|worrying|stressful|annoying|difficult|disappointing|inconvenient)",
            r"i\s+appreciate",
            r"(?:not|isn[’']?t|wasn[’']?t)\s+(?:the\s+service|good\s+enough|acceptable|what\s+you)",
            r"simply\s+not\s+acceptable",
            r"unacceptable",
            r"(?:you[’']?re|you\s+are)\s+right",
            r"i\s+hear\s+you",
            r"thank\s+you\s+for\s+(?:your\s+)?(?:patience|bearing|understanding|raising|letting|flagging|telling)",
            r"thanks\s+for\s+(?:your\s+)?(?:patience|bearing|understanding|raising|letting|flagging|telling)",
            r"(?:thanks|thank\s+you)\s+for\s+(?:sharing|voicing|bringing|reporting|raising)\s+"
            r"(?:your\s+|these\s+|this\s+|the\s+)?(?:concerns?|frustration|feedback|to\s+our\s+attention)",
            # naming what the customer feels: "thanks for letting us know of your concerns"
            r"(?:letting\s+us\s+know|telling\s+us|sharing)\s+(?:about\s+|of\s+)?(?:your|these|this|the)\s+"
            r"(?:concerns?|frustration|disappointment)",
            r"(?:we|i)\s+want\s+(?:your|you\s+to|to\s+make\s+(?:sure|this|it))",
            r"(?:a|the)\s+(?:frustrating|difficult|stressful|worrying)\s+(?:time|experience|situation|wait)",
            r"let\s+you\s+down",
            r"shouldn[’']?t\s+have\s+happened",
            # as social agents write it: "that's not what we like to hear", "oh no!"
            r"not\s+what\s+(?:we|i)\s+(?:like|want|expect|hope)\s+to\s+(?:hear|see)",
            r"(?:that|this)(?:[’']s|\s+is)?\s+(?:doesn[’']?t|does\s+not|isn[’']?t|is\s+not|not)\s+"
            r"(?:sound|look|seem)?\s*(?:right|good|ideal|great|fun|the\s+experience)",
            r"^\s*(?:oh\s+no|uh[\s-]+oh|yikes|oh\s+dear|oops)\b",
            r"(?:we|i)\s+(?:know|get)\s+(?:how|that\s+(?:this|it))",
            r"(?:we|i)\s+appreciate",
            r"(?:sad|unfortunate)\s+to\s+(?:hear|see)",
            r"(?:that|this)\s+sounds\s+(?:like\s+it\s+(?:can|could|would|must)\s+be\s+)?"
            r"(?:frustrating|difficult|stressful|annoying|upsetting|worrying|inconvenient|tough|hard)",
        ),
        _L,
    ),
    "reassurance": re.compile(
        _words(
            r"i[’']?(?:ll|\s+will)\s+(?:personally\s+)?(?:make\s+sure|look\s+into|sort|keep\s+you)",
            r"don[’']?t\s+worry",
            r"rest\s+assured",
            r"you\s+won[’']?t\s+(?:need|have)\s+to",
            r"i[’']?m\s+(?:here|on\s+it)",
            r"(?:we[’']re|we\s+are)\s+(?:here\s+(?:to\s+help|for\s+you)|on\s+it)",
            r"(?:very|really|so)\s+important\s+to\s+us",
            r"taking\s+(?:this|it)\s+seriously",
        ),
        _L,
    ),
}
FORMAL_CUES = re.compile(
    _words(
        r"dear",
        r"yours\s+(?:sincerely|faithfully)",
        r"kind\s+regards",
        r"regards",
        r"kindly",
        r"we\s+would\s+be\s+grateful",
        r"further\s+to",
        r"i\s+am\s+writing",
        r"please\s+do\s+not\s+hesitate",
        r"should\s+you\s+(?:require|need|wish)",
        r"at\s+your\s+earliest\s+convenience",
        r"we\s+regret",
    ),
    _L,
)
INFORMAL_CUES = re.compile(
    _words(
        r"hey",
        r"hiya",
        r"cheers",
        r"yeah",
        r"yep",
        r"nope",
        r"gonna",
        r"wanna",
        r"lol",
        r"btw",
        r"no\s+worries",
        r"awesome",
        r"cool",
        r"guys",
        r"mate",
        r"ta",
        r"fab",
        r"super\s+quick",
    )
    + r"|[:;]-?[)d(p]|[\U0001F600-\U0001F64F\U0001F44D]",
    _L,
)
CONTRACTION = re.compile(r"\b\w+[’'](?:ll|re|ve|d|m|s|t)\b")


@dataclass(frozen=True)
class Phrase:
    """A phrase that makes a finding: its rule, the pattern and better wordings."""

    rule: str
    pattern: str
    suggestions: tuple[str, ...] = ()


# Blame and condescension (UTIL.P9, UTIL.K2, PROBLEMS.K9): phrases that put the customer
# in the wrong or talk down to them. Patterns are regex fragments, case-insensitive.
PHRASES: tuple[Phrase, ...] = (
    Phrase(
        "tone.blame",
        r"as\s+(?:i|we)(?:\s+have)?\s+(?:already\s+|previously\s+)?(?:told|said|mentioned|explained|"
        r"stated|advised)(?:\s+you)?(?:\s+(?:before|previously|already))?",
        ("As mentioned,", "To recap,"),
    ),
    Phrase("tone.blame", r"as\s+(?:previously|already)\s+(?:stated|mentioned|explained|advised)", ("To recap,",)),
    Phrase("tone.blame", r"(?:like|as)\s+i\s+said", ("To recap,",)),
    Phrase(
        "tone.blame",
        r"(?:as\s+)?per\s+my\s+(?:last|previous|earlier)\s+(?:email|message|reply|response|note)",
        ("To recap,", "In case my last message was unclear,"),
    ),
    # "you should have read", not "you should have received it by now" (an expectation)
    Phrase(
        "tone.blame",
        r"you\s+(?:should|ought\s+to)\s+have\s+(?:read|checked|called|contacted|told|informed|"
        r"followed|kept|noticed|reported|asked|realised|realized|known|looked|paid|cancell?ed|returned|waited|"
        r"listened|booked|submitted|signed|provided|thought|made\s+sure|ensured|double-checked|filled|"
        r"sent\s+(?:it|this|them|us))",
        ("Next time, you can",),
    ),
    Phrase("tone.blame", r"you\s+(?:failed|neglected)\s+to", ("we haven't received", "it looks like we didn't get")),
    Phrase(
        "tone.blame",
        r"you\s+(?:did\s+not|didn[’']?t)\s+(?:read|follow|check|bother|"
        r"listen)",
        ("it may not have been clear",),
    ),
    Phrase("tone.blame", r"if\s+you\s+had\s+(?:read|followed|checked|listened)", ("If it helps,",)),
    Phrase(
        "tone.blame",
        r"(?:it\s+is|it[’']?s|that\s+is|that[’']?s)\s+(?:entirely\s+|"
        r"completely\s+)?your\s+(?:own\s+)?(?:fault|responsibility|problem|mistake)",
        (),
    ),
    Phrase(
        "tone.blame",
        r"(?:you\s+were|you[’']?ve\s+been|you\s+have\s+been)\s+(?:already\s+)?(?:told|informed|"
        r"advised)",
        ("As mentioned,",),
    ),
    Phrase(
        "tone.blame",
        r"you\s+(?:clearly|obviously)\s+(?:didn[’']?t|did\s+not|haven[’']?t|have\s+not|don[’']?t|"
        r"do\s+not)",
        (),
    ),
    Phrase("tone.blame", r"(?:through|due\s+to)\s+your\s+own", ()),
    Phrase(
        "tone.blame",
        r"(?:i|we)\s+(?:have\s+)?(?:already|repeatedly)\s+(?:told|"
        r"explained\s+to)\s+you",
        ("To recap,",),
    ),
    Phrase("tone.condescension", r"obviously|needless\s+to\s+say|as\s+(?:any|every)one\s+(?:knows|can\s+see)", ("",)),
    Phrase(
        "tone.condescension",
        r"it[’']?s\s+not\s+rocket\s+science|it[’']?s\s+(?:really\s+|very\s+)?(?:simple|easy|"
        r"basic)(?:,\s*really)?\s*(?:[.!]|really)",
        (),
    ),
    Phrase(
        "tone.condescension",
        r"(?:any|every)(?:one|body)\s+(?:can|could|should|would)\s+(?:do|understand|see|"
        r"manage|follow)",
        (),
    ),
    Phrase(
        "tone.condescension",
        # "for your information" talks down; "FYI" is the register's plain shorthand for "note".
        r"calm\s+down|with\s+(?:all\s+)?(?:due\s+)?respect|for\s+your\s+information",
        (),
    ),
    Phrase("tone.condescension", r"i[’']?m\s+not\s+sure\s+what[’']?s\s+(?:so\s+)?(?:hard|difficult|confusing)", ()),
    Phrase("tone.condescension", r"surely\s+you|you\s+do\s+realise|you\s+do\s+realize|it\s+should\s+be\s+obvious", ()),
    Phrase("tone.condescension", r"(?:clearly|plainly)\s+(?:stated|states|explained|written|says)", ("set out",)),
    Phrase(
        "tone.sarcasm",
        r"thanks\s+for\s+nothing|good\s+luck\s+with\s+that|yeah,?\s+right|nice\s+try|"
        r"what\s+a\s+surprise|big\s+surprise|so[- ]called|if\s+you\s+say\s+so|whatever\s+you\s+say|"
        r"how\s+hard\s+can\s+it\s+be|news\s+flash|i[’']?m\s+sure\s+you\s+(?:did|have|were)|"
        r"congratulations\s+on\s+(?:finally|managing)|oh\s+well|well\s+done\s+for\s+finally|finally\s+(?:managed|"
        r"bothered)",
        (),
    ),
)
PHRASE_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(rf"(?P<p{index}>(?:{phrase.pattern})(?!\w))" for index, phrase in enumerate(PHRASES))
    + ")",
    _L,
)

# -- negative framing and refusals (UTIL.P7, UTIL.K6) ------------------------------
NEGATIVE = re.compile(
    _words(
        r"unfortunately",
        r"regrettably",
        r"cannot",
        r"can[’']?t",
        r"can\s+not",
        r"unable",
        r"not\s+(?:be\s+)?able",
        r"impossible",
        r"not\s+possible",
        r"not\s+(?:allowed|permitted|eligible)",
        r"refuse[ds]?",
        r"denied",
        r"declined",
        r"rejected",
        r"no\s+longer",
        r"won[’']?t\s+be\s+able",
        r"not\s+in\s+a\s+position",
        r"(?:isn[’']?t|is\s+not)\s+something\s+we",
    ),
    _L,
)
REFUSAL = re.compile(
    r"\b(?:we|i)\s+(?:cannot|can[’']?t|can\s+not|are\s+unable\s+to|am\s+unable\s+to|won[’']?t|will\s+not|"
    r"(?:are|am)\s+not\s+(?:able|in\s+a\s+position)\s+to|do\s+not|don[’']?t|must\s+decline\s+to|"
    r"have\s+to\s+decline\s+to)"
    r"\s+(?:be\s+able\s+to\s+)?(?:offer|give|provide|refund|accept|process|allow|issue|change|cancel|extend|replace|"
    r"exchange|reimburse|waive|approve|honou?r|agree|grant|reverse|remove|arrange|send|reinstate|compensate|credit|"
    r"help)\b"
    r"|\b(?:this|that|it|your\s+\w+)\s+(?:is|isn[’']?t|is\s+not)\s+(?:not\s+)?(?:possible|eligible|allowed|permitted|"
    r"covered)\b"
    r"|\b(?:is|are)\s+not\s+(?:possible|permitted|allowed)\b|\b(?:isn[’']?t|aren[’']?t)\s+(?:possible|permitted|"
    r"allowed)\b"
    r"|\b(?:isn[’']?t|is\s+not)\s+something\s+(?:i|we)\s+can\b"
    r"|\b(?:has|have)\s+been\s+(?:declined|refused|rejected|denied)\b"
    r"|\b(?:we|i)\s+(?:must|have\s+to)\s+(?:decline|refuse)\b",
    _L,
)
# A reason given just before the refusal: "..., so we can't process it."
REASON_BEFORE = re.compile(r"\b(?:so|therefore|which\s+means|that\s+means|as\s+a\s+result)\b", _L)
REASON = re.compile(
    _words(
        r"because",
        r"as",
        r"since",
        r"due\s+to",
        r"owing\s+to",
        r"under",
        r"policy",
        r"terms",
        r"conditions",
        r"regulations?",
        r"law",
        r"legal(?:ly)?",
        r"so\s+that",
        r"in\s+order\s+to",
        r"reason",
        r"this\s+is",
        r"that[’']?s",
        r"according\s+to",
        r"only",
        r"until",
        r"unless",
        r"without",
        r"after",
        r"once",
        r"outside",
        r"beyond",
        r"expired",
        r"more\s+than",
        r"over",
        r"past",
        r"requires?",
        r"need",
        r"must",
        r"means",
        r"for\s+(?:security|safety|data\s+protection|privacy)",
        r"protect",
        r"while",
        r"when",
        r"before",
        r"within",
        r"instead",
        r"but",
        r"however",
        r"what\s+i\s+can",
        r"what\s+we\s+can",
    ),
    _L,
)
# A cluster the agent can often turn round: "We can't X until Y" -> "We can X once Y".
CANNOT_UNTIL = re.compile(
    r"\b(?P<who>we|i|you)\s+(?:cannot|can[’']?t|can\s+not|(?:are|am)\s+unable\s+to|won[’']?t\s+be\s+able\s+to)\s+"
    r"(?P<what>[^.!?\n]{1,80}?)\s+until\s+(?P<when>[^.!?\n]{1,80})",
    _L,
)

# -- bare imperatives (curtness) --------------------------------------------------
DEMAND = re.compile(
    r"^\s*(?:send|provide|give|fill\s+in|fill\s+out|complete|read|follow|stop|wait|call|contact|confirm|attach|"
    r"return|submit|make\s+sure|ensure|note|check|reply|supply|forward|email|resend)\b(?![’'])",
    _L,
)
SOFTENER = re.compile(
    _words(r"please", r"kindly", r"if", r"feel\s+free", r"when\s+you\s+can", r"thanks?", r"thank\s+you"), _L
)
LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")
# -- exclamations (shouting and the mood cues: assistant/mood.py) ---------------------
EXCLAMATION_RUN = re.compile(r"[!?]*![!?]+|\?+!")

# -- promises and authority (PROBLEMS.P18, UTIL.P10) ---------------------------------
ABSOLUTE = re.compile(
    r"\b(?:i|we)(?:\s+can)?\s+(?:personally\s+|absolutely\s+)?(?:guarantee|promise)\b"
    r"|\b(?:is|are|it[’']?s|you[’']?re|you\s+are|you[’']?ll\s+be|will\s+be)\s+guaranteed\b"
    r"|\bi\s+(?:can\s+)?assure\s+you\b|\bwithout\s+fail\b|,\s*guaranteed\b"
    # "100%" as certainty ("will 100% arrive", "100% sure"), not as a quantity ("uses 100% CPU")
    r"|\b(?:will|be|is|are|am|it[’']?s|i[’']?m|we[’']?re|you[’']?ll)\s+100\s?(?:%|per\s?cent\b)"
    r"|\b100\s?(?:%|per\s?cent)\s+(?:sure|certain|guaranteed|confident|fixed|resolved|working|safe|secure)\b"
    r"|\b(?:definitely|certainly|absolutely)\s+(?:will|be)\b|\bwill\s+(?:definitely|certainly|absolutely)\b"
    r"|\b(?:i|we)[’']?ll\s+(?:definitely|certainly)\b",
    _L,
)
COMMITMENT = re.compile(
    r"\b(?:will|shall|going\s+to|guarantee[ds]?|promise[ds]?|assure)\b|[’']ll\b"
    r"|\b(?:i|we)\s+can\s+(?:offer|give|refund|credit|pay|issue|arrange)\b"
    r"|\b(?:i|we)[’']?(?:d|\s+would)\s+like\s+to\s+offer\b"
    r"|\b(?:i|we)[’']?(?:m|\s+am|re|\s+are)\s+(?:happy|pleased|able|glad)\s+to\s+(?:offer|refund|give|credit|pay|"
    r"issue)\b",
    _L,
)
NEGATED_COMMITMENT = re.compile(
    r"\b(?:won[’']?t|will\s+not|cannot|can[’']?t|can\s+not|unable|not\s+able|not\s+be|no\s+longer|"
    r"never|shan[’']?t|isn[’']?t|not\s+eligible)\b",
    _L,
)
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
MONEY = re.compile(
    r"(?P<symbol>[£$€])\s?"
    + _AMOUNT
    + r"(?P<thousands>k\b)?"
    + r"|\b"
    + _AMOUNT.replace("amount", "amount2")
    + r"\s?(?P<code>gbp|usd|eur|pounds?|dollars?|euros?)\b",
    _L,
)
CURRENCY = {
    "£": "GBP",
    "$": "USD",
    "€": "EUR",
    "gbp": "GBP",
    "usd": "USD",
    "eur": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
}
MONEY_KINDS: dict[str, re.Pattern[str]] = {
    "refund": re.compile(
        _words(
            r"refund(?:s|ed|"
            r"ing)?",
            r"reimburs\w*",
            r"money\s+back",
            r"repay\w*",
            r"pay\s+(?:you\s+)?back",
        ),
        _L,
    ),
    "goodwill": re.compile(
        _words(r"goodwill", r"gesture", r"compensat\w*", r"credit(?:s|ed)?", r"vouchers?", r"apology\s+payment"), _L
    ),
    "discount": re.compile(
        _words(r"discount\w*", r"waiv\w*", r"write\s+off", r"written\s+off", r"reduc\w+\s+your\s+bill"), _L
    ),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
DATE = re.compile(
    r"\b(?P<today>today|tonight|this\s+(?:afternoon|evening|morning)|end\s+of\s+(?:the\s+)?day|eod)\b"
    r"|\b(?P<tomorrow>tomorrow)\b"
    r"|\b(?:(?P<next>next)\s+|this\s+)?(?P<weekday>" + "|".join(WEEKDAYS) + r")\b"
    r"|\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>" + "|".join(m[:3] + r"\w*" for m in MONTHS) + r")\b"
    r"|\b(?P<month2>" + "|".join(m[:3] + r"\w*" for m in MONTHS) + r")\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\bwithin\s+(?P<within>\d+|a|an|one|two|three|four|five|seven|ten|fourteen|twenty-?four|forty-?eight|48|24|72)"
    r"\s+(?:working\s+|business\s+)?(?P<unit>hours?|days?|weeks?|months?)\b"
    r"|\b(?P<nextweek>next\s+week|end\s+of\s+(?:the\s+)?week)\b"
    r"|\b(?P<nextmonth>next\s+month|end\s+of\s+(?:the\s+)?month)\b",
    _L,
)
REFERRAL = re.compile(
    r"\b(?:pass(?:ed|ing)?|refer(?:red|ring)?|forward(?:ed|ing)?|transfer(?:red|ring)?|hand(?:ed|ing)?\s+(?:it|this|"
    r"you)?\s*over|"
    r"escalat\w+|contact|speak\s+(?:to|with)|get\s+in\s+touch\s+with|reach\s+out\s+to|raise\s+(?:it|this)\s+with|"
    r"direct(?:ed)?\s+(?:you|your\s+\w+))\b"
    r"[^.!?\n]{0,40}?\b(?P<vague>(?:another|other|a\s+different|the\s+relevant|the\s+appropriate|the\s+right|"
    r"the\s+correct|"
    r"the\s+responsible|a\s+separate|the\s+other|a\s+specialist)\s+(?:team|department|dept|colleague|person|people|"
    r"organisation|organization|company|provider|party|area|section)s?|some(?:one|body)\s+else)\b",
    _L,
)
# Passing the case on to someone named: the customer should also hear why (DELIVER.P16).
HANDOVER = re.compile(
    r"\b(?:i|we)(?:[’']ve|\s+have|[’']ll|\s+will)?\s+(?:now\s+|also\s+)?(?:pass(?:ed)?|refer(?:red)?|forward(?:ed)?|"
    r"transfer(?:red)?|escalated?|hand(?:ed)?\s+(?:it|this|your\s+\w+)\s+over)\b[^.!?\n]{0,60}?\bto\s+"
    r"(?:our|the|a|an|your|them)\b"
)
HANDOVER_REASON = re.compile(
    _words(
        r"who",
        r"which",
        r"as",
        r"because",
        r"since",
        r"so\s+(?:that\s+)?they",
        r"to\s+(?:check|review|look|"
        r"sort|fix|approve|decide|arrange|confirm|help|investigate|assess|correct|repair|update|process|handle)",
        r"they(?:[’']ll|\s+will|\s+can|\s+handle|\s+deal|\s+look|\s+are|[’']re|\s+decide|\s+approve|\s+manage)",
        r"for\s+(?:a|an|their|them\s+to)",
        r"specialists?",
        r"handles?",
        r"deals?\s+with",
        r"responsible",
    ),
    _L,
)


def lower(text: str) -> str:
    """`text` in lower case, the same length (so match offsets hold for `text`): the few
    characters whose lower case is longer (e.g. 'İ') are kept as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
