"""Street addresses as the world writes them: a house number and a street name whose
type word (Road, Straße, rue, Via, ulica, phố...) says it is a street. The type words are
the postal vocabularies of each language (English ones from USPS Publication 28's
suffixes and Royal Mail's thoroughfares), not names seen in any test."""

from __future__ import annotations

# English types after the name: "12 High Street", "4 Martin Inlet", "Flat 2 Conor Pines".
_ENGLISH = (
    "alley allee avenue ave bend bluff bluffs bottom boulevard blvd branch bridge brook brooks burg burgs bypass camp "
    "canyon cape causeway center centers circle circles cir cliff cliffs close club common commons corner corners "
    "course court courts ct cove coves creek crescent crest crossing crossroad curve dale dam divide drive drives dr "
    "estate estates expressway extension extensions fall falls ferry field fields flat flats ford fords forest forge "
    "forges fork forks fort freeway garden gardens gateway glen glens green greens grove groves harbor harbors "
    "harbour haven heights highway hill hills hollow inlet island islands isle junction junctions key keys knoll "
    "knolls lake lakes land landing lane ln light lights loaf lock locks lodge loop mall manor manors meadow meadows "
    "mews mill mills mission motorway mount mountain mountains neck orchard oval overpass park parks parkway "
    "parkways pass passage path paths pike pine pines place pl plain plains plaza point points port ports prairie "
    "radial ramp ranch rapid rapids rest ridge ridges river road roads rd route row rue run shoal shoals shore shores "
    "skyway spring springs spur spurs square squares sq station stravenue stream street streets st summit terrace "
    "throughway trace track trafficway trail trailer tunnel turnpike underpass union unions valley valleys viaduct "
    "view views village villages ville vista walk walks wall way ways well wells wharf wynd parade broadway "
    "marg nagar chowk zila gali colony"
).split()
# Types written before the name: "rue de la Paix", "Via Roma", "ulica Długa", "Rua das Flores".
_BEFORE = (
    "ul. al. pl. os. av. bd. avda. c/ "
    "rue avenue boulevard place impasse allée chemin quai route cours passage square voie sentier "
    "calle avenida paseo plaza camino carrera ronda travesía cuesta glorieta pasaje rambla urbanización "
    "callejón alameda carretera vía via viale piazza piazzale corso largo vicolo strada contrada borgo rotonda "
    "incrocio canale stretto vico salita traversa ulica aleja plac osiedle skwer rondo "
    "rua travessa praça rodovia estrada jardim vila setor conjunto quadra lote chácara fazenda morro vale "
    "residencial loteamento núcleo distrito sítio vereda ladeira parque passarela pátio viela aeroporto área campo "
    "colônia condomínio esplanada favela feira lago lagoa trevo trecho recanto "
    "phố đường ngõ hẻm khóm số sokak sokağı cadde caddesi bulvarı mahallesi"
).split()
# Types joined to the end of the name: "Hauptstraße", "Kerkstraat", "Storgatan".
_JOINED = (
    "straße strasse str weg gasse platz allee ring damm ufer chaussee pfad steig markt "
    "straat laan plein gracht singel kade dijk steeg hof pad park boulevard markt "
    "vägen gatan gränd torget backe stig väg gata"
).split()


# Street types that open a name: a "person" starting with one is a street ("Via Dias").
TYPES_BEFORE = frozenset(w.rstrip(".") for w in _BEFORE if w.isalpha() or w.endswith("."))


def _alternatives(words: list[str]) -> str:
    return "|".join(w.replace(".", r"\.").replace("/", r"\/") for w in sorted(set(words), key=len, reverse=True))


_NAME = r"(?-i:\p{Lu}[\p{L}'’-]+)"  # a capitalised word of any script with case
_NUMBER = r"\d{1,5}(?:[/-]\d{1,5})?(?-i:[A-Za-z])?"
_UNIT = r"(?:[ ,]+(?:apt\.?|apartment|suite|flat|unit|appartamento|piano|apto\.?|wohnung|lgh|m\.)[ ]?\d{1,5})?"

PATTERNS: tuple[tuple[str, str, float], ...] = (
    (
        "number, name words and a type",
        rf"(?:(?:flat|apartment|studio|unit|h\.?[ ]?no\.?)[ ]?)?(?:\d{{1,5}}[A-Za-z]?,[ ])?\b{_NUMBER},?[ ]"
        rf"(?:{_NAME}[ ]){{1,3}}(?:{_alternatives(_ENGLISH)})\.?(?![\p{{L}}]){_UNIT}",
        0.7,
    ),
    (
        "type, name words and a number",
        rf"(?:\b{_NUMBER},?[ ])?(?<![\p{{L}}])(?:{_alternatives(_BEFORE)})(?:(?<=\.)|\.?)[ ]"
        rf"(?:(?:de|da|do|das|dos|del|della|di|la|le|les|du|des|d'|l'|y|e|i|van|von|der)[ ]){{0,2}}"
        rf"(?:{_NAME}|số|\d{{1,3}})(?:[ ](?:{_NAME}|de|da|do|del|di|la|y)){{0,4}}(?:,?[ ]{_NUMBER}{_UNIT})?",
        0.65,
    ),
    (
        "name joined to a type, and a number",
        rf"\b(?:{_NAME}-)*\p{{Lu}}\p{{Ll}}+(?:{_alternatives(_JOINED)})\.?[ ]{_NUMBER}{_UNIT}(?![\d])",
        0.7,
    ),
)
