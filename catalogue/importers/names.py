"""Persons named in a text, found from the patterns of the collection's names.

Each finding is a `PersonMention` with a confidence and the reason for it:

- a name of the table of the collection's recurring persons (data/known_persons.csv:
  Chicherin, Litvinov, Ismet Inonu, Reza Khan, Curzon ...), 0.95;
- initials and a surname: "G. V. Chicherin", "M.V. Frunze", "s. A. Vinogradov", "GK
  Ordzhonikidze", 0.9;
- a title before a name: "comrade Molotov", "Mr. Ribbentrop", "Cde. Frunze", "Lord Curzon",
  "the Emir Amanullah", 0.85;
- a title after a name: "Ismet Pasha", "Yusuf Kemal-bey", "Faiza Mohamed khan", "Zahir
  Shah", 0.85;
- a capitalised word, not a place nor a common word, that says, replies, declares ... or
  owns something ("Papen said", "Draganov replied", "Curzonʹs letter"), 0.65.

False positives are kept out by refusing, as a name or part of one, the words of offices and
bodies (Ambassador, Commissar, Government), months and days, nationalities, places of the
gazetteer and the words that begin sentences.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from catalogue.text import fold

from .gazetteer import gazetteer, place_key

DATA = Path(__file__).parent / "data" / "known_persons.csv"

KNOWN, INITIALS, TITLE_BEFORE, TITLE_AFTER, CONTEXT = 0.95, 0.9, 0.85, 0.85, 0.65

MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}  # fmt: skip
NATIONALITIES = {
    "soviet", "russian", "turkish", "turk", "turks", "iranian", "persian", "afghan", "afghans",
    "indian", "german", "germans", "british", "english", "french", "italian", "bulgarian",
    "romanian", "rumanian", "greek", "yugoslav", "serbian", "armenian", "armenians",
    "georgian", "azerbaijani", "ukrainian", "polish", "japanese", "american", "european",
    "asian", "muslim", "moslem", "kurdish", "kurds", "anglo", "franco", "entente", "allied",
    "bolshevik", "bolsheviks", "communist", "kemalist", "dashnak", "dashnaks", "caucasian",
    "transcaucasian", "balkan", "eastern", "western", "northern", "southern", "central",
}  # fmt: skip
# Words of offices, bodies, documents and the page: never a person's name.
NOT_NAMES = {
    "ambassador", "commissar", "commissioner", "commissariat", "government", "republic",
    "minister", "ministry", "president", "chairman", "secretary", "plenipotentiary",
    "representative", "attorney", "envoy", "consul", "charge", "affaires", "delegation",
    "delegate", "delegates", "conference", "assembly", "committee", "council", "congress",
    "people", "peoples", "party", "army", "navy", "general", "marshal", "colonel", "admiral",
    "embassy", "mission", "legation", "state", "states", "union", "kingdom", "empire",
    "treaty", "pact", "agreement", "declaration", "note", "letter", "telegram", "telegrams",
    "record", "recording", "conversation", "diary", "report", "memorandum", "communique",
    "statement", "message", "talk", "minutes", "speech", "source", "print", "printed",
    "volume", "page", "doc", "document", "documents", "archive", "arch", "avp", "nkid",
    "ussr", "rsfsr", "sssr", "tass", "rosta", "izvestia", "pravda", "league", "nations",
    "lord", "sir", "mr", "mrs", "comrade", "comrades", "cde", "com", "herr", "monsieur",
    "excellency", "highness", "majesty", "emir", "amir", "shah", "khan", "pasha", "bey",
    "tsar", "king", "queen", "prince", "sultan", "caliph", "padishah", "gazi", "mullah",
    "mullahs", "the", "a", "an", "and", "or", "but", "if", "in", "on", "at", "to", "of",
    "by", "for", "with", "from", "as", "is", "was", "he", "she", "it", "we", "they", "i",
    "you", "his", "her", "its", "our", "their", "my", "your", "this", "that", "these",
    "those", "there", "here", "then", "when", "after", "before", "since", "while",
    "yesterday", "today", "tomorrow", "however", "therefore", "moreover", "finally",
    "furthermore", "meanwhile", "nevertheless", "also", "according", "regarding", "dear",
    "please", "accept", "yours", "sincerely", "secret", "top", "immediately",
    "urgent", "no", "not", "all", "both", "each", "every", "some", "any", "many", "one",
    "two", "three", "first", "second", "third", "last", "next", "new", "old", "great",
    "grand", "supreme", "high", "national", "foreign", "affairs", "internal", "military",
    "political", "economic", "east", "west", "north", "south", "god", "allah", "islam",
    "christian", "catholic", "orthodox", "red", "white", "black", "press", "newspaper",
    "newspapers", "times", "reuters", "havas", "about", "so", "such", "what", "which",
    "who", "whom", "whose", "why", "how", "where", "ambassadors", "ministers", "powers",
    "allies", "axis", "straits", "strait", "sea", "gulf", "river", "front", "border",
    "question", "issue", "proposal", "answer", "reply", "said", "chief", "head", "deputy",
    "interim", "temporary", "extraordinary", "divisional", "commander", "headquarters",
    "staff", "bureau", "politburo", "central", "executive", "sovnarkom", "cheka", "ogpu",
    "nkvd", "comintern", "vkp", "tsik", "vtsik", "viii", "vii", "iii", "ii", "iv", "vi",
    "ix", "x", "xi", "xii", "mister", "messrs", "dr", "professor", "signor", "madame",
    "lady", "count", "baron", "duke", "earl", "ataman", "hetman", "monarch",
    "highly", "important", "out", "turn", "line", "special", "folder", "copy",
    "transmitted", "sent", "received", "signed", "see", "cf", "ibid", "notes",
    "everyone", "everybody", "nobody", "someone", "somebody", "anyone", "anybody", "none",
    "neither", "either", "nothing", "something", "everything", "another", "other", "others",
    "most", "few", "several", "reuter", "reiter", "stefani", "dnb",
}  # fmt: skip
# Titles printed before a name.
TITLES_BEFORE = (
    r"[Cc]omrades?\.?|[Cc]de\.?|[Cc]om\.|Mr\.?|Mrs\.?|Messrs\.?|Mister|Monsieur|M\.|Herr|Signor"
    r"|Sir|Lord|Lady|[Gg]eneral|Gen\.|[Mm]arshal|[Aa]dmiral|[Cc]olonel|[Cc]ount|[Bb]aron"
    r"|[Pp]rince|[Kk]ing|[Tt]sar|[Ss]ultan|[Ee]mir|[Aa]mir|[Pp]resident|[Pp]remier"
    r"|[Aa]mbassador|[Ee]nvoy|[Cc]onsul|[Mm]inister|Dr\.?|[Pp]rofessor|[Ss]heikh|[Ss]heik"
    r"|[Ss]ecretary|[Cc]ounsell?or|[Aa]ttach[e\u00e9]|[Cc]ommissioner|[Cc]ommissar|[Dd]eputy"
    r"|[Cc]hairman|[Cc]ommander|[Dd]elegate|[Pp]lenipotentiary|[Aa]ttorney|[Cc]hargé|[Cc]harge"
)
TITLES_AFTER = r"[Pp]asha|[Bb]ey|[Kk]han|[Ee]ffendi|[Ss]hah|[Aa]gha|[Bb]eg|[Mm]irza"
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0130"
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f\u0131"
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:[\-\u2010][{UPPER}{LOWER}][{LOWER}]+)?"
_INITIAL = rf"[{UPPER}{LOWER}][{LOWER}]?h?\.\s?"
RE_INITIALS = re.compile(rf"(?<![\w.])((?:{_INITIAL}){{1,3}})\s?({NAME_WORD})")
RE_CAPS_INITIALS = re.compile(rf"(?<![\w.])([{UPPER}]{{2}})\s({NAME_WORD})")
RE_TITLE_BEFORE = re.compile(
    rf"(?<![\w.])(?:{TITLES_BEFORE})\s+((?:{NAME_WORD})(?:\s+(?:von\s+|de\s+|al[\-\s])?{NAME_WORD}){{0,2}})"
)
RE_TITLE_AFTER = re.compile(
    rf"((?:{NAME_WORD}\s+){{0,2}}{NAME_WORD})[\s\-\u2010]+(?:{TITLES_AFTER})\b"
)
SPEECH = (
    r"said|says|replied|replies|stated|states|declared|declares|asked|asks|answered|told"
    r"|noted|notes|added|adds|announced|promised|recounted|remarked|emphasized|emphasised"
    r"|stressed|insisted|agreed|objected|explained|continued|suggested|thanked|expressed"
    r"|informed|assured|believes|believed|thinks|thought|wrote|writes|greeted|proposed"
    r"|objects|argued|claimed|claims|warned|admitted|confirmed|denied|reported|handed"
    r"|showed|came|visited|received|listened|interrupted|doubts|doubted|hopes|hoped"
    r"|called|phoned|met|arrived|left|went|spoke|asserted|repeated|pointed"
)
_ADVERB = r"(?:\s+(?:then|further|also|again|immediately|once again))?"
RE_CONTEXT = re.compile(rf"(?<![\w.])({NAME_WORD}){_ADVERB}\s+(?:{SPEECH})\b")
RE_POSSESSIVE = re.compile(rf"(?<![\w.])({NAME_WORD})['\u02b9\u2019]s\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"\u201c\u201d\u02ba]\s*|\n\s*)$")
_ROMAN = re.compile(r"^[ivxlcdm]+$")
# Two-letter words that end sentences ("it.", "us."): never taken for initials.
COMMON_SHORT = {
    "it", "us", "so", "do", "go", "up", "me", "on", "in", "to", "be", "by", "he", "we", "no",
    "or", "an", "as", "at", "if", "is", "my", "of", "am", "mr", "st", "dr", "pp", "vs", "cf",
    "ch", "ed", "vol", "op", "ll", "fl", "ii",
}  # fmt: skip


@dataclass(frozen=True)
class PersonMention:
    """A person named in a text, as printed, with a confidence in [0, 1] and its reason."""

    printed: str  # the name as printed (initials and titles kept)
    name: str  # the name to suggest: a known person's full name, or the printed name
    confidence: float
    reason: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return surname_key(self.name)


def surname_key(name: str) -> str:
    """The surname under which spellings of one person meet ("G. V. Chicherin" -> chicherin).

    A Russian surname's feminine or genitive "a" left by the translation is dropped
    ("Vinogradova" = "Vinogradov").
    """
    words = [w for w in re.split(r"[\s.\-\u2010]+", fold(name)) if w]
    words = [w for w in words if w not in NOT_NAMES and len(w) > 2] or words
    return _russian_stem(words[-1]) if words else ""


def _russian_stem(surname: str) -> str:
    return surname[:-1] if re.search(r"(?:ov|ev|in|sky|skiy)a$", surname) else surname


@lru_cache(maxsize=1)
def known_persons() -> dict[str, str]:
    """folded variant -> preferred name, from data/known_persons.csv."""
    table: dict[str, str] = {}
    with DATA.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            for variant in [row["name"], *filter(None, row["variants"].split("|"))]:
                table.setdefault(_variant_key(variant), row["name"])
    return table


def preferred_person_name(name: str) -> str:
    """The known person's full name for a printed name ("Ismet Pasha"), else the name itself."""
    table = known_persons()
    key = _variant_key(name)
    if key in table:
        return table[key]
    surname = _variant_key(re.split(r"[\s.]+", name.strip())[-1]) if name.strip() else ""
    return table.get(surname) or table.get(_russian_stem(surname), name)


# Variants that are English words or common first names: taken only when capitalised.
CAPITALISED_ONLY = {
    "eden", "ismet", "enver", "reuf", "sergo", "kavam", "qavam", "popov", "marx", "bonnet",
    "hess", "stein", "laval", "kirov", "gerede",
}  # fmt: skip


@lru_cache(maxsize=65536)
def _variant_key(text: str) -> str:
    return fold(text).replace("\u0131", "i").replace("-", " ")


def _not_a_name_word(word: str) -> bool:
    folded = fold(word).replace("\u0131", "i")
    parts = folded.replace("-", " ").split()
    if not parts:
        return True
    return any(p in NOT_NAMES or p in MONTHS or p in NATIONALITIES or _ROMAN.match(p)
               for p in parts)  # fmt: skip


def _is_place(words: str) -> bool:
    return gazetteer().lookup(words) is not None


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 3) : start]))


def _clean_name(words: str) -> str:
    """Drop leading words that are titles or offices ("General Kazim Karabekir" -> ...)."""
    parts = words.split()
    while parts and _not_a_name_word(parts[0]):
        parts.pop(0)
    return " ".join(parts)


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(key.split(" ", 1)[0] for key in known_persons() if " " in key)


_KNOWN_WORD = re.compile(rf"[{UPPER}{LOWER}]+(?:['\u02b9\u2019][{LOWER}]+)?")
_POSSESSIVE_END = re.compile(r"['\u02b9\u2019]s$")


@lru_cache(maxsize=1)
def _longest_known() -> int:
    return max((len(key.split()) for key in known_persons()), default=1)


def _known(text: str):
    table, first_words = known_persons(), _first_words()
    longest = _longest_known()
    words = list(_KNOWN_WORD.finditer(text))
    keys = [_variant_key(_POSSESSIVE_END.sub("", word.group())) for word in words]
    taken: set[int] = set()
    for size in range(longest, 0, -1):
        for index in range(len(words) - size + 1):
            if size > 1 and keys[index] not in first_words:
                continue
            key = " ".join(keys[index : index + size])
            name = table.get(key)
            if name is None or taken.intersection(range(index, index + size)):
                continue
            start, end = words[index].start(), words[index + size - 1].end()
            printed = _POSSESSIVE_END.sub("", text[start:end])
            if key in CAPITALISED_ONLY and not printed[:1].isupper():
                continue
            taken.update(range(index, index + size))
            yield PersonMention(printed, name, KNOWN, "a recurring person of the collection",
                                start, start + len(printed))  # fmt: skip


_NOT_A_SURNAME_END = re.compile(r"(?:ing|ed|ly|ness|tion)$")


def _pattern(regex, text, confidence, reason, group=1, check_start=False):
    for match in regex.finditer(text):
        name = _clean_name(match.group(group))
        if confidence == CONTEXT and (_NOT_A_SURNAME_END.search(name) or len(name) < 4):
            continue  # "Having received", "Unexpectedly said": words, not names
        if not name or _not_a_name_word(name.split()[-1]) or _is_place(name):
            continue
        if any(_is_place(word) for word in name.split()) and len(name.split()) == 1:
            continue
        if check_start and _at_sentence_start(text, match.start(group)):
            continue
        start = match.start(group) + match.group(group).find(name.split()[0])
        printed = text[match.start() : match.end()] if group == 0 else name
        yield PersonMention(printed, name, confidence, reason, start, start + len(name))


def _initials(text: str):
    for regex in (RE_INITIALS, RE_CAPS_INITIALS):
        for match in regex.finditer(text):
            initials, surname = match.group(1), match.group(2)
            letters = [i for i in re.split(r"[.\s]+", initials) if i]
            if any(fold(letter) in COMMON_SHORT for letter in letters):
                continue
            if regex is RE_CAPS_INITIALS and (_is_place(initials) or initials in {"US", "UK"}):
                continue
            if _not_a_name_word(surname) or _is_place(surname):
                continue
            printed = text[match.start() : match.end()]
            yield PersonMention(printed, printed, INITIALS, "initials and a surname",
                                match.start(), match.end())  # fmt: skip


def _title_after(text: str):
    for match in RE_TITLE_AFTER.finditer(text):
        name = _clean_name(match.group(1))
        if not name or any(_not_a_name_word(word) for word in name.split()):
            continue
        if _is_place(name):
            continue
        start = match.start(1) + match.group(1).find(name.split()[0])
        printed = text[start : match.end()]
        yield PersonMention(printed, printed, TITLE_AFTER, "a name with a title after it",
                            start, match.end())  # fmt: skip


def _with_initials_kept(found: list[PersonMention]) -> list[PersonMention]:
    """A known surname printed with initials ("M.V. Frunze") keeps the initials as printed."""
    wider = [m for m in found if m.reason == "initials and a surname"]
    kept = []
    for mention in found:
        if mention.confidence == KNOWN:
            for other in wider:
                if other.start <= mention.start and mention.end <= other.end:
                    mention = PersonMention(other.printed, mention.name, KNOWN, mention.reason,
                                            other.start, other.end)  # fmt: skip
        kept.append(mention)
    return kept


HEADING_AFTER_STATE = 0.8
_STATE_THEN_NAME = re.compile(
    rf"\b([{UPPER}][{UPPER}{LOWER}]+)\s+((?:{_INITIAL}){{0,3}}{NAME_WORD}(?:\s{NAME_WORD})?)"
    r"(?=\s*(?:$|[,.;*]|\s(?:in|to|on|at|with|and|from)\b))"
)


def persons_in_heading(heading: str) -> list[PersonMention]:
    """A name printed right after the state of an office ("… in Germany Ivanova", "… of the
    USSR Potemkin"): the collection's headings name people so, after their office."""
    found = []
    for match in _STATE_THEN_NAME.finditer(heading):
        state, name = match.group(1), match.group(2)
        is_state = fold(state) in {"ussr", "rsfsr", "ssr", "usa"} or _is_place(state)
        if not is_state or any(_not_a_name_word(w) or _is_place(w) for w in name.split()[-2:]):
            continue
        found.append(PersonMention(name, name, HEADING_AFTER_STATE,
                                   "a name after the state of an office in a heading",
                                   match.start(2), match.end(2)))  # fmt: skip
    return found


def persons_in(text: str) -> list[PersonMention]:
    """Persons named in the text, the surest finding kept where several overlap."""
    if not text:
        return []
    found = [
        *_known(text),
        *_initials(text),
        *_pattern(RE_TITLE_BEFORE, text, TITLE_BEFORE, "a title before a name"),
        *_title_after(text),
        *_pattern(
            RE_CONTEXT, text, CONTEXT, "a capitalised word that speaks or acts", check_start=False
        ),  # fmt: skip
        *_pattern(RE_POSSESSIVE, text, CONTEXT, "a capitalised word that owns something"),
    ]
    found = _with_initials_kept(found)
    found.sort(key=lambda m: (-m.confidence, -(m.end - m.start)))
    kept: list[PersonMention] = []
    for mention in found:
        if any(mention.start < other.end and other.start < mention.end for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def distinct_persons(mentions: list[PersonMention]) -> list[PersonMention]:
    """One mention per person (by surname), the surest and fullest spelling kept."""
    best: dict[str, PersonMention] = {}
    for mention in mentions:
        key = mention.key
        current = best.get(key)
        if current is None or (mention.confidence, len(mention.name)) > (
            current.confidence,
            len(current.name),
        ):
            best[key] = mention
    return list(best.values())


__all__ = ["PersonMention", "persons_in", "distinct_persons", "surname_key", "place_key"]
