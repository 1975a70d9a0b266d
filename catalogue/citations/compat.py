"""The thin layer that makes citeproc-py's output read as citeproc-js (Zotero) renders it.

Historians compare our citations with Zotero's, whose engine is citeproc-js. citeproc-py 0.11
differs from it in a few places; each difference is closed here, either by correcting one
citeproc-py method (``install()``, applied once when the styles load) or by a text substitution
on the rendered string (``zotero_typography()``). tests/test_citations_styles.py checks every
correction on its own and the whole against strings citeproc-js rendered (tools/citeproc-js).

Engine corrections:
- Date ranges. citeproc-py prints the differing parts first and the shared ones after
  ("20,–26, August 1939") and fails where a date has no delimiter context (author-date styles).
  CSL collapses a range in the order of the date's parts: "August 20–26, 1939".
- Names with ``initialize="false"``. citeproc-py initialises anyway ("Mustafa" -> "M.");
  CSL keeps the given name and only normalises existing initials.
- Multi-letter initials. citeproc-js keeps an abbreviated given name whole ("Ya. Z." stays
  "Ya. Z."); citeproc-py cuts it to one letter ("Y. Z.").
- Labels with ``text-case``. citeproc-py never applies title case to a label (APA's "Trans.").

Text substitutions (only where the en-US locale asks for them):
- ``punctuation-in-quote``: commas and periods go inside closing quotation marks (”, -> ,”).
- Straight apostrophes become typographic ones (People's -> People’s), everywhere, as in
  citeproc-js.
"""

import re
from html import escape

from citeproc import model
from citeproc.string import MixedString, String

_PUNCTUATION_AFTER_QUOTE = re.compile(r"([”’]+)([.,])")
_TAG = re.compile(r"(<[^>]*>)")


def zotero_typography(text: str, punctuation_in_quote: bool = True, html: bool = False) -> str:
    """Apply citeproc-js's typographic conventions to citeproc-py's output (text or HTML)."""
    pieces = _TAG.split(text)
    # Text pieces are the even ones; tags (odd) keep their straight quotes.
    pieces[::2] = _curl_quotes(pieces[::2])
    text = "".join(pieces)
    if html:  # numeric entities, as citeproc-js writes them
        text = text.replace("&amp;", "&#38;").replace("&lt;", "&#60;").replace("&gt;", "&#62;")
    if punctuation_in_quote:
        text = _PUNCTUATION_AFTER_QUOTE.sub(r"\2\1", text)
    return text


_OPENER_BEFORE = " \t\n([{“‘—–-/"


def _curl_quotes(pieces: list[str]) -> list[str]:
    """Straight quotes become typographic ones, as citeproc-js sets them.

    A quoted passage takes double quotes at the outer level and single quotes inside another
    quotation (the title quotes a style adds); any other straight apostrophe becomes ’.
    """
    text = "\x00".join(pieces)
    depth = 0  # quotation levels open: the style's curly quotes and straight ones from the data
    straight = []  # the straight quote characters currently open
    output = []
    for index, character in enumerate(text):
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if character in "\"'":
            if straight and straight[-1] == character and not after.isalnum():
                straight.pop()
                depth -= 1
                character = "’" if depth % 2 else "”"
            elif before in _OPENER_BEFORE and not after.isspace():
                character = "‘" if depth % 2 else "“"
                straight.append(text[index])
                depth += 1
            else:
                character = "’" if character == "'" else "”"
        elif character == "“":
            depth += 1
        elif character == "”":
            depth = max(depth - 1, 0)
        output.append(character)
    return "".join(output).split("\x00")


def straighten_quotes(text: str) -> str:
    """Typographic quotes in the data made straight: “…” and ‘…’ become "…" (citeproc-js sets
    both by level alike), any other ’ is an apostrophe and becomes '."""
    output = []
    single_open = 0
    for index, character in enumerate(text):
        after = text[index + 1] if index + 1 < len(text) else " "
        if character in "“”":
            character = '"'
        elif character == "‘":
            character = '"'
            single_open += 1
        elif character == "’":
            if single_open and not after.isalnum():
                single_open -= 1
                character = '"'
            else:
                character = "'"
        output.append(character)
    return "".join(output)


def prepare_item(value, html: bool):
    """The item as citeproc-py should read it: typographic quotes in the data made straight (so the
    output's curly quotes are the style's, and the data's are set by level as citeproc-js does),
    and, for HTML, every string escaped (citeproc-py does not escape the data it prints)."""
    if isinstance(value, dict):
        return {key: prepare_item(val, html) for key, val in value.items()}
    if isinstance(value, list):
        return [prepare_item(val, html) for val in value]
    if isinstance(value, str):
        value = straighten_quotes(value)
        return escape(value, quote=False) if html else value
    return value


# --- Names ------------------------------------------------------------------------------------

_ABBREVIATION = re.compile(r"^(\w+)\.$")


def initialize_given(given: str, mark: str, initialize: bool, hyphen: bool = True) -> str:
    """Initialise (or, with initialize=False, only normalise) a given name as citeproc-js does.

    "Georgy Vasilyevich" -> "G. V."; "Ya. Z." -> "Ya. Z."; with initialize=False "Mustafa" stays
    "Mustafa" and "L.M." becomes "L. M.".
    """
    parts = given.split("-") if hyphen else [given.replace("-", " ")]
    return "-".join(_initialize_part(part, mark, initialize) for part in parts)


def _initialize_part(text: str, mark: str, initialize: bool) -> str:
    tokens = text.replace(".", ". ").split()
    output = []
    for token in tokens:
        abbreviation = _ABBREVIATION.match(token)
        if abbreviation:  # already an initial or abbreviation: "G.", "Ya."
            output.append((abbreviation.group(1), True))
        elif len(token) == 1 and token.isupper():  # a bare initial: "G"
            output.append((token, True))
        elif initialize and token[:1].isupper():
            output.append((token[0], True))
        else:  # a full name kept, or a lower-case particle
            output.append((token, False))
    result = ""
    for index, (token, is_initial) in enumerate(output):
        last = index == len(output) - 1
        if is_initial:
            result += token + (mark.rstrip() if last else mark)
        else:
            result += token + ("" if last else " ")
    return " ".join(result.split())


def _name_initialize(self, given, mark, context):
    initialize = self.get("initialize", "true").lower() != "false"
    hyphen = self.get_option("initialize-with-hyphen", context)
    return initialize_given(str(given), mark, initialize, hyphen)


# --- Dates ------------------------------------------------------------------------------------

_LARGEST_FIRST = ("year", "month", "day")


def _date_value(date, name):
    try:
        return getattr(date, name)
    except (AttributeError, model.VariableError):
        return None


def _strip_affix(text: str, affix: str, at_end: bool) -> str:
    if affix and at_end and text.endswith(affix):
        return text[: -len(affix)]
    if affix and not at_end and text.startswith(affix):
        return text[len(affix) :]
    return text


def _date_render_range(self, date_range, show_parts=None, context=None):
    """Collapse a range in the order of the date's parts: "August 20–26, 1939"."""
    begin, end = date_range.begin, date_range.end
    show_parts = list(show_parts or _LARGEST_FIRST)
    if end.is_nil():
        return self.render_single_date(begin, show_parts, context)
    parts = {part.get("name"): part for part in self.iterchildren() if part.get("name")}
    order = [name for name in parts if name in show_parts]
    differing = [n for n in order if _date_value(begin, n) != _date_value(end, n)]
    if not differing:
        return self.render_single_date(begin, show_parts, context)
    first = min(order.index(name) for name in differing)
    last = max(order.index(name) for name in differing)
    span = order[first : last + 1]
    head = self.render_single_date(begin, order[:first] + span, context)
    tail = self.render_single_date(end, span + order[last + 1 :], context)
    if head is None or tail is None:
        return head or tail
    head, tail = str(head), str(tail)
    # Rendering has merged the style's date-part attributes into these elements.
    head = _strip_affix(head, parts[span[-1]].get("suffix", ""), at_end=True).rstrip()
    tail = _strip_affix(tail, parts[span[0]].get("prefix", ""), at_end=False).lstrip()
    largest = next(name for name in _LARGEST_FIRST if name in differing)
    delimiter = parts[largest].get("range-delimiter", "\u2013")
    return String(head + delimiter + tail)


# --- Title case -------------------------------------------------------------------------------

# citeproc-js's stop words (CSL.SKIP_WORDS), which stay lower case inside a title.
_SKIP_WORDS_TEXT = (
    "about above across afore after against al along alongside amid amidst among amongst anenst "
    "apropos apud around as aside astride at athwart atop barring before behind below beneath "
    "beside besides between beyond but by circa despite down during et except for forenenst "
    "from given in inside into lest like modulo near next notwithstanding of off on onto out "
    "over per plus pro qua sans since than through thru throughout thruout till to toward "
    "towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with within "
    "without or yet so and nor a an the de d' von van c ca"
)
SKIP_WORDS = frozenset(_SKIP_WORDS_TEXT.split())
# Where citeproc-js cuts a title into pieces before casing words: quotes, dashes, brackets ...
_TITLE_SEPARATORS = re.compile(r"([\u2018\u2019\u201c\u201d\"'\-\u2013\u2014/.,;?!:\[\]()])")
_SPACES = re.compile(r"(\s+)")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


def title_case(text: str) -> str:
    """Title case as citeproc-js applies it: words of two letters or more that are not stop words,
    the first word and the word after a colon, question or exclamation mark are capitalised;
    words that already hold a capital are left alone. Words are cut at quotes, dashes, slashes,
    brackets and punctuation ("people's" -> "People's", "(young" -> "(Young")."""
    # In HTML an escaped character ("&amp;") must case as the one character it stands for.
    entities = {}
    text = _ENTITY.sub(lambda m: entities.setdefault(m.group(0), chr(0xE000 + len(entities))), text)
    pieces = _TITLE_SEPARATORS.split(text)
    first, after_punctuation = True, False
    for index in range(0, len(pieces), 2):
        preceding = pieces[index - 1] if index else ""
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        words = _SPACES.split(pieces[index])
        printable = [i for i in range(0, len(words), 2) if words[i]]
        for i in printable:
            word = words[i]
            lower = word.lower()
            # citeproc-js leaves the word straight after a straight single quote alone.
            after_single_quote = i == 0 and preceding == "'"
            capitalise = (
                (len(word) > 1 and lower not in SKIP_WORDS and not after_single_quote)
                or (i == printable[-1] and following == "-")
                or first
                or after_punctuation
            )
            if capitalise and word == lower:
                words[i] = word[0].upper() + word[1:]
            first = after_punctuation = False
        pieces[index] = "".join(words)
        if following and following in "!?:":
            after_punctuation = True
    text = "".join(pieces)
    for entity, placeholder in entities.items():
        text = text.replace(placeholder, entity)
    return text


_original_case = model.TextCased.case


def _text_case(self, text, language=None):
    if self.get("text-case") == "title" and language == "en":
        if type(text) is String:
            return String(title_case(str(text)))
        if isinstance(text, MixedString) and all(type(part) is String for part in text):
            return MixedString([String(title_case("".join(text)))])
    return _original_case(self, text, language)


# --- Labels -----------------------------------------------------------------------------------


def _label_markup(self, text):
    """Labels are locale terms, which are English here: text-case applies as to English."""
    if not text:
        return None
    return self.wrap(self.format(self.case(self.strip_periods(text), language="en")))


_xpath_results: dict = {}


def _memoised_xpath_search(self, expression, _search=model.CitationStylesElement.xpath_search):
    """citeproc-py looks up macros, terms and ancestors by XPath thousands of times per
    citation (40% of its time). A parsed style never changes, so each (element, expression)
    is searched once. Keys hold the element proxies alive, so lxml hands back the same proxy
    for a node and the memo stays bounded by the style's size."""
    key = (self, expression)
    found = _xpath_results.get(key)
    if found is None:
        found = _xpath_results[key] = tuple(_search(self, expression))
    return list(found)


def _memoised_calls_variable(calls_variable):
    """Whether an element renders a variable is a property of the style alone."""
    answers = {}

    def memoised(self):
        answer = answers.get(self)
        if answer is None:
            answer = answers[self] = calls_variable(self)
        return answer

    return memoised


_installed = False


def install():
    """Apply the engine corrections to citeproc-py (idempotent)."""
    global _installed
    if _installed:
        return
    model.Name.initialize = _name_initialize
    model.Date.render_date_range = _date_render_range
    model.Label.markup = _label_markup
    model.TextCased.case = _text_case
    model.CitationStylesElement.xpath_search = _memoised_xpath_search
    model.Parent.calls_variable = _memoised_calls_variable(model.Parent.calls_variable)
    model.Text.calls_variable = _memoised_calls_variable(model.Text.calls_variable)
    _installed = True
