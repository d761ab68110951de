"""Attributed statements in an article: who said what, with which reporting verb and stance.

Recognised shapes (offsets are exact character positions in the article text):

- ``X said/claimed/announced/... (that) CONTENT``
- ``CONTENT, X said ...`` and ``"QUOTE," X said`` / ``"QUOTE," said X``
- ``according to X, CONTENT`` and ``CONTENT, said X``
- ``"X has denied the allegations," Y said``: X's denial, reported by Y
- ``CONTENT, according to rumours X has denied``: X denies CONTENT
- ``X denied media reports that CONTENT``: the reports assert CONTENT, X denies it
- ``"QUOTE," a statement rejected by X``: X denies the quote
- with an outlet name, a sentence rejecting a claim in the outlet's own voice

A sentence holding two statements joined by "though", "but", "while" or ";" is cut into
clauses so that each statement keeps its own span. Headlines, captions and list lines (no
closing punctuation) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..models import Stance
from ..text import Span, split_sentences
from .stance import DENY_VERBS, is_denial, outlet_denies, wordset

REPORTING_VERBS = wordset(
    """say says said claim claims claimed announce announces announced confirm confirms confirmed
    acknowledge acknowledges acknowledged insist insists insisted state states stated report
    reports reported tell tells told add adds added note notes noted emphasize emphasizes
    emphasized emphasise emphasises emphasised assert asserts asserted declare declares declared
    warn warns warned argue argues argued maintain maintains maintained estimate estimates
    estimated believe believes believed reveal reveals revealed admit admits admitted inform
    informs informed proclaim proclaims proclaimed allege alleges alleged contend contends
    contended stress stresses stressed write writes wrote predict predicts predicted concede
    concedes conceded conclude concludes concluded find finds found rule rules ruled accuse
    accuses accused tweet tweets tweeted plead pleads pleaded"""
) | DENY_VERBS

# Verbs whose object is not what was said unless "that" (or a colon, or a quotation) follows:
# "told The Associated Press." names the audience, "found the car" is no statement.
_NEEDS_THAT = wordset(
    """add adds added note notes noted find finds found rule rules ruled tell tells told
    inform informs informed"""
)
_FOLLOWING_ACTOR_VERBS = wordset(
    "said says added noted stated wrote told claimed insisted explained"
)

ROLE_NOUNS = wordset(
    """official officials spokesperson spokesman spokeswoman spokespeople minister ministry
    president army military intelligence source sources representative representatives chief
    staff general commander aide adviser advisor analyst analysts expert experts statement
    government police department agency office envoy ambassador diplomat diplomats leader
    leaders secretary mayor governor prosecutor prosecutors authorities authority command
    service services company executive executives director researchers scientists witnesses
    residents lawyer lawyers court judge spokespersons officer officers forces navy council
    committee parliament lawmakers senator senators administration bank regulator regulators
    report reports media observers monitors investigators union operator firm ministers
    board chairman chairwoman chair head premier cabinet manager managers organisers organizers
    team coach club chamber association organisation organization institute foundation
    commission society coalition federation alliance charity panel jury inquiry watchdog
    members family relatives councillor councilor councillors sheriff detective detectives
    attorney attorneys publicist rep reps"""
)

ROLE_MODIFIERS = wordset(
    """military defense defence foreign senior former top local intelligence deputy state
    government presidential news press battlefield monitoring security interior health
    western eastern southern northern regional federal central national police fire
    emergency border chief general"""
)

_CONNECTORS = wordset("of from for and the at in to")
_SKIPPABLE = wordset(
    """has have had also later previously officially publicly repeatedly again firmly quickly
    then now since earlier already subsequently swiftly flatly strongly categorically is was
    were are not never has've it's"""
)
_NOT_ACTORS = wordset(
    """this that these those however meanwhile it there here what which who despite during
    while although though but and or so yet if when after before as because since in on at
    for the a an later earlier separately afterwards then now still also"""
)
PRONOUNS = wordset("he she they it we i his her their")
_FIRST_PERSON = frozenset({"I", "We", "Me", "Us"})
_NOT_THIRD_PERSON = wordset("his her their it i we")
_TRAILING_STARTERS = wordset(
    """on in at last yesterday today earlier later according adding citing while during after
    before when by"""
)
_ANAPHORIC = re.compile(
    r"\b(?:the|this|these|those|such|that|its|their|\w+['’]s)\s+"
    r"(?:claims?|assertions?|reports?|statements?|allegations?|accusations?|figures?|account|"
    r"charges|rumou?rs?|suggestions?|stor(?:y|ies))\b"
    r"(?!\s+(?:of|that|about|regarding|on)\b)"
    r"|^(?:any\s+)?(?:wrongdoing|allegations|accusations|charges|claims)\W*$",
    re.IGNORECASE,
)
_DAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_TIME_PHRASE = re.compile(
    rf"\s+(?:(?:on|late on|early on|last|this|by|on the night of)\s+)?{_DAYS}"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?\s*$|\s+(?:yesterday|today|last night|"
    r"on \w+ \d{1,2}|in a statement)\s*,?\s*$"
)
_PASSIVE_AUX = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got)\s+$", re.IGNORECASE)
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose)\b[^,;“”\"]*,\s*$")
_PRONOUN_OBJECT = re.compile(r"(?:it|this|that|these|those|them)\s*(?:[,.;]|$|as\b)", re.I)
_PRONOUN_SUBJECT = re.compile(r"(?:it|this|that)\s+(?:is|was|isn['’]t|wasn['’]t)\b", re.I)
_CONTRAST = re.compile(r",\s+(?:though|although|but|while|whereas|only for)\s+|;\s+")
_TOKEN = re.compile(r"[\w’'.-]*\w[’']?|[“”\"«»]|[,;:()–—|]")
_ABBREVIATION = re.compile(r"(?:^|\.)[A-Za-z]$|^(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|Jr|Sr)$")


ELLIPSIS = "…"


@dataclass(frozen=True)
class Attribution:
    """One attributed statement; spans are offsets into the article text."""

    actor: str
    verb: str
    stance: Stance
    start: int
    end: int
    content_start: int
    content_end: int
    pronoun: bool = False
    anaphoric: bool = False
    sentence: int = 0
    outlet_voice: bool = False
    quoted: bool = False
    """The content stood inside quotation marks in the article (a direct quote), not the
    outlet's wording of what was said (reported speech)."""
    elided: tuple[int, int] | None = None
    """The speaker's own words of attribution inside the content ("..., Rubio said, ..."),
    left out of the statement and marked with an ellipsis."""

    def content(self, text: str) -> str:
        """The statement's words: a slice of ``text``, or two slices joined by " … " when the
        attribution stands in the middle of the sentence."""
        if self.elided is None:
            return text[self.content_start : self.content_end]
        head = text[self.content_start : self.elided[0]].rstrip(" ,;")
        tail = text[self.elided[1] : self.content_end].lstrip(" ,;")
        return f"{head} {ELLIPSIS} {tail}"


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


_ACTOR_WINDOW = 300


def _tokens(text: str, base: int = 0) -> list[_Token]:
    """Word and punctuation tokens; a line break or a full stop between words (not the dot of
    "U.S." or "Mr.") becomes a "." token so that a speaker never spans two sentences."""
    tokens: list[_Token] = []
    previous_end = 0
    for m in _TOKEN.finditer(text):
        gap = text[previous_end : m.start()]
        if tokens and ("\n" in gap or (gap.startswith(".") and not _ABBREVIATION.search(
            tokens[-1].text
        ))):
            tokens.append(_Token(".", base + previous_end, base + previous_end + 1))
        tokens.append(_Token(m.group(0), base + m.start(), base + m.end()))
        previous_end = m.end()
    return tokens


def _is_name(word: str) -> bool:
    return word[:1].isupper()


_APPOSITION_TOKENS = 14


def _named_before_apposition(
    text: str, toks: list[_Token], comma: int, start: int
) -> tuple[int, int] | None:
    """The name before a short description set off by commas: "Chair Margaret Hollis,
    granddaughter of the founder, said" and "Olga Oliker, an analyst at the group, said"."""
    for k in range(comma - 1, max(comma - _APPOSITION_TOKENS - 2, -1), -1):
        word = toks[k].text.lower()
        if word == "." and k > 0 and re.fullmatch(r"[A-Z][a-z]{0,3}", toks[k - 1].text):
            continue  # "Fla.", "M.": an abbreviation, not the end of a sentence
        relative = any(
            t.text in {"who", "whose", "which"} for t in toks[max(0, k - _APPOSITION_TOKENS) : k]
        )  # "the congressman whose father is Edward Kennedy": a clause inside the description
        if (
            word in REPORTING_VERBS
            or (word in _SKIPPABLE and not relative)
            or toks[k].text in ".;:!?\"“”"
        ):
            return None
        if toks[k].text != ",":
            continue
        name = _actor_before(text, toks[k].start, start)
        if name is None or not _is_name(text[name[0] : name[1]].split()[-1]):
            return None
        if _inside_description(toks, name[0]):
            continue  # "Newburn, from Gainesville, Fla., said": on to the comma before
        return name
    return None


def _inside_description(toks: list[_Token], name_start: int) -> bool:
    """Whether the word before a name is a lower-case word of a description ("from",
    "is", "acting"), not a determiner: the name is then not the speaker."""
    before = [t for t in toks if t.end <= name_start]
    while before and before[-1].text.lower() in {"a", "an", "the"}:
        before.pop()
    return bool(before) and before[-1].text.islower() and before[-1].text not in {"and", "or"}


def _actor_before(text: str, end: int, start: int = 0) -> tuple[int, int] | None:
    """The noun phrase in ``text[start:end]`` ending at ``end`` that can be a speaker."""
    when = _TIME_PHRASE.search(text, start, end)
    toks = _tokens(text[start : when.start() if when else end], start)
    i = len(toks) - 1
    while i >= 0 and toks[i].text.lower() in _SKIPPABLE:
        i -= 1
    if i > 0 and toks[i].text == ",":
        # "Brightwater's chief executive, Tomas Reyne, rejected": the name in apposition
        name = _actor_before(text, toks[i].start, start)
        if name is None:
            return _named_before_apposition(text, toks, i, start)
        before = [t for t in toks if t.end <= name[0]]
        while before and before[-1].text.lower() in {"a", "an", "the"}:
            before.pop()
        if before and before[-1].text == ",":
            other = _actor_before(text, before[-1].start, start)
            if other is not None and not _is_name(text[name[0] : name[1]]):
                return other  # "Olga Oliker, an analyst at the institute, said"
            if other is not None and _inside_description(toks, other[0]):
                # "One of those prime ministers, Sir John Major, said": the name alone
                return _named_before_apposition(text, toks, i, start) or name
            if other is not None:
                name = other[0], name[1]
        if _inside_description(toks, name[0]):
            # "Newburn, from Gainesville, Fla., said", "Kennedy, the congressman whose father
            # is Edward Kennedy, said", "Roger Morris, acting head of the department, said"
            described = _named_before_apposition(text, toks, i, start)
            if described is not None:
                return described
        return name
    if i < 0:
        return None
    tail = None
    if (
        i >= 2
        and toks[i - 1].text == "of"
        and re.fullmatch(r"[a-z]{3,}", toks[i].text)
        and toks[i].text not in _NOT_ACTORS | REPORTING_VERBS
        and _role_noun(toks[i - 2].text)
    ):
        # "the regional chamber of commerce said"
        tail, i = i, i - 2
    last = i
    first = None
    while i >= 0:
        tok = toks[i].text
        low = tok.lower().rstrip("’'")
        low = re.sub(r"['’]s$", "", low)
        if _is_name(tok) or low in ROLE_NOUNS or low in ROLE_MODIFIERS or (
            i == last and low in _DOCUMENTS
        ):
            first = i
        elif low in _CONNECTORS and first is not None:
            pass
        else:
            break
        i -= 1
    if first is None:
        return None
    first = _compound_modifiers(toks, first)
    while first <= last and toks[first].text.lower() in _CONNECTORS | {"a", "an"}:
        first += 1
    head = toks[last].text
    head_low = re.sub(r"['’]s$", "", head.lower())
    if not (_is_name(head) or head_low in ROLE_NOUNS or head_low in _DOCUMENTS):
        return None
    if first > last:
        return None
    if last == first and toks[first].text.lower() in _NOT_ACTORS:
        return None
    while first < last and toks[first].text.lower() in _NOT_ACTORS:
        first += 1
    if any(t.text in _FIRST_PERSON for t in toks[first : last + 1]):
        return None  # "Like I said": the writer, not a speaker the story names
    return toks[first].start, toks[last if tail is None else tail].end


def _role_noun(word: str) -> bool:
    return re.sub(r"['’]s$", "", word.lower()) in ROLE_NOUNS


_DETERMINERS = wordset("the a an its their his her our")


def _compound_modifiers(toks: list[_Token], first: int) -> int:
    """Extend 'company' to 'power company' (or "bakers' union") when a determiner shows where
    the phrase starts, and 'chair' to "Traders' association chair" when a name does."""
    if not _role_noun(toks[first].text):
        return first
    for width in (1, 2):
        det = first - width - 1
        if det < 0:
            return first
        middle = toks[det + 1 : first]
        if not all(re.fullmatch(r"[a-z]+(?:['’]s|s['’])?", t.text) for t in middle):
            return first
        if any(t.text in _NOT_ACTORS or t.text in REPORTING_VERBS for t in middle):
            return first
        if toks[det].text.lower() in _DETERMINERS:
            return det + 1
        if _is_name(toks[det].text) and toks[det].text.lower() not in _NOT_ACTORS:
            while det > 0 and _is_name(toks[det - 1].text):
                det -= 1
            return det
    return first


def _modifies_role_noun(toks: list[_Token], j: int) -> bool:
    """'transport' in 'the transport agency': a plain word right before a role noun."""
    for k in (j, j + 1):
        if k >= len(toks):
            return False
        word = toks[k].text
        if not (word.isalpha() and word.islower()) or word in _NOT_ACTORS:
            return False
        if word in REPORTING_VERBS or word in _SKIPPABLE:
            return False
        if k + 1 < len(toks) and toks[k + 1].text.lower() in ROLE_NOUNS:
            return True
    return False


def _actor_after(text: str, start: int) -> tuple[int, int] | None:
    """The speaker right after an inverted verb: '..., said Olga Oliker, an expert'."""
    # A speaker never crosses a line and is never this long: tokenizing the rest of the article
    # at every verb was the stage's main cost.
    line_end = text.find("\n", start)
    stop = min(len(text) if line_end < 0 else line_end, start + _ACTOR_WINDOW)
    toks = _tokens(text[start:stop], start)
    j = 0
    while j < len(toks) and toks[j].text.lower() in {"a", "an", "the"}:
        j += 1
    first = j
    last = None
    while j < len(toks):
        tok = toks[j].text
        low = tok.lower()
        if _is_name(tok) or low in ROLE_NOUNS or low in ROLE_MODIFIERS:
            last = j
        elif not (low in _CONNECTORS and last is not None) and not _modifies_role_noun(toks, j):
            break
        j += 1
    if last is None or first >= len(toks):
        return None
    if (
        last + 2 < len(toks)
        and toks[last + 1].text == "of"
        and _role_noun(toks[last].text)
        and re.fullmatch(r"[a-z]{3,}", toks[last + 2].text)
        and (last + 3 == len(toks) or toks[last + 3].text in ",.;:")
    ):
        last += 2  # "said the regional chamber of commerce."
    elif not (_is_name(toks[last].text) or _role_noun(toks[last].text)):
        return None  # "said the regional": a modifier is not a speaker
    return toks[first].start, toks[last].end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;:—–-":
        start += 1
    while end > start and text[end - 1] in " ,;:—–-":
        end -= 1
    return start, end


def _quoted_mask(text: str, start: int, end: int) -> list[bool]:
    """For each character of ``text[start:end]``: is it inside quotation marks?"""
    mask = [False] * (end - start + 1)
    inside = False
    for k, ch in enumerate(text[start:end]):
        if ch in "“«":
            inside = True
        elif ch in "”»":
            inside = False
        elif ch == '"':
            inside = not inside
        mask[k] = inside
    return mask


_OPENING_MARKS = "“«\""
_CLOSING_MARKS = "”»\""
_ANY_MARK = re.compile(r"[“”«»\"]")


def _unquote(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """A content span that is one quotation (`"We will win."`) becomes the words inside the
    marks, flagged as quoted; any other span is reported speech and stays as it is."""
    stop = end
    while stop > start and text[stop - 1] in ".,;:!?":
        stop -= 1
    if (
        stop - start >= 2
        and text[start] in _OPENING_MARKS
        and text[stop - 1] in _CLOSING_MARKS
        and not _ANY_MARK.search(text, start + 1, stop - 1)
    ):
        inner_start, inner_end = _trim(text, start + 1, stop - 1)
        while inner_end > inner_start and text[inner_end - 1] in ",.":
            inner_end -= 1
        if inner_end - inner_start >= 3:
            return inner_start, inner_end, True
    if (
        stop - start >= 4
        and text[start] in _OPENING_MARKS
        and not _ANY_MARK.search(text, start + 1, end)
    ):
        # a quotation that goes on into the next sentence: '“I could hear them.'
        inner_start, inner_end = _trim(text, start + 1, stop)
        return inner_start, inner_end, True
    return start, end, False


def _clauses(text: str, sentence: Span) -> list[tuple[int, int]]:
    cuts = [sentence.start]
    ends = []
    body = sentence.text
    quoted = _quoted_mask(text, sentence.start, sentence.end)
    for m in _CONTRAST.finditer(body):
        if quoted[m.start()]:
            continue
        ends.append(sentence.start + m.start())
        cuts.append(sentence.start + m.end())
    ends.append(sentence.end)
    return list(zip(cuts, ends, strict=True))


def _stance(verb: str, content: str) -> Stance:
    return "denies" if is_denial(verb, content.strip()) else "asserts"


_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "‘": "’"}


def _closing_quote(clause: str) -> int:
    """Index of the quote mark closing the one that opens ``clause``, or -1. A curly single
    quote closes only after punctuation, so apostrophes ("don’t") are passed over."""
    opening = clause[0]
    closing = _QUOTE_PAIRS.get(opening)
    if closing is None:
        return -1
    for k in range(1, len(clause)):
        if clause[k] != closing:
            continue
        if opening == "‘" and clause[k - 1] not in ",.?!":
            continue
        return k
    return -1


# after a quotation only: '"Why now?" the tenant asked.', '"Because ...," she responded.'
_QUOTE_LED_VERBS = REPORTING_VERBS | wordset(
    """read asked asks responded responds replied replies explained explains recalled recalls
    began begins continued continues joked jokes quipped quips complained complains exclaimed
    shouted wondered"""
)


def _quote_led(text: str, start: int, end: int, index: int) -> Attribution | None:
    """'"QUOTE," X said' / '"QUOTE," said X' / '"QUOTE," Dr. X, a surgeon, told Y'."""
    clause = text[start:end]
    if not clause:
        return None
    close = _closing_quote(clause)
    if close < 0:
        return None
    q_start, q_end = _trim(text, start + 1, start + close)
    while q_end > q_start and text[q_end - 1] in ",.":
        q_end -= 1
    rest_start = start + close + 1
    rest = text[rest_start:end]
    m = re.match(r"\s*,?\s*", rest)
    after = rest_start + (m.end() if m else 0)
    toks = _tokens(text[after:end], after)
    if not toks or q_end - q_start < 3:
        return None
    if toks[0].text.lower() in _FOLLOWING_ACTOR_VERBS:
        actor = _actor_after(text, toks[0].end)
        if actor is None:
            return None
        verb = toks[0].text
    else:
        verb_tok = next(
            (t for t in toks[:25] if t.text.islower() and t.text in _QUOTE_LED_VERBS),
            None,
        )
        if verb_tok is None:
            return None
        actor = _actor_before(text, verb_tok.start, after)
        if actor is None:
            named = _actor_after(text, after)
            if named is not None and text[named[1] : verb_tok.start].lstrip().startswith(","):
                actor = named
        if actor is None:
            words_before = text[after : verb_tok.start].split()
            if not words_before or words_before[-1].lower() not in (
                PRONOUNS - _NOT_THIRD_PERSON
            ) | {"statement"}:
                return None
            # The pronoun alone: '” oral sex, he said' is said by "he".
            pronoun_start = text.rindex(words_before[-1], after, verb_tok.start)
            actor = (pronoun_start, pronoun_start + len(words_before[-1]))
        verb = verb_tok.text
    actor_text = text[actor[0] : actor[1]]
    return Attribution(
        actor=actor_text,
        verb=verb,
        stance=_stance(verb, text[q_start:q_end]),
        start=start,
        end=end,
        content_start=q_start,
        content_end=q_end,
        pronoun=actor_text.lower() in PRONOUNS or actor_text.lower().endswith("statement"),
        sentence=index,
        quoted=True,
    )


_WHEN_LEADS = wordset("late early earlier last shortly hours days weeks months years")


def _according_to(text: str, start: int, end: int, index: int) -> Attribution | None:
    clause = text[start:end]
    m = re.search(r"\baccording to\s+", clause, re.IGNORECASE)
    if not m:
        return None
    actor = _actor_after(text, start + m.end())
    if actor is None:
        return None
    if m.start() < 3:
        c_start, c_end = _trim(text, actor[1], end)
    else:
        c_start, c_end = _trim(text, start, start + m.start())
        # "In the early morning of May 2, according to court records, he broke in ...": the
        # words before are only when; the statement follows the source
        lead = text[c_start:c_end].split()
        comma = text.find(",", actor[1], end)
        after = _trim(text, comma, end) if comma >= 0 else (end, end)
        if (
            lead
            and lead[0].lower() in _INTRO | _WHEN_LEADS
            and len(text[actor[1] : comma].split()) <= 2
            and len(text[after[0] : after[1]].split()) >= max(4, len(lead))
        ):
            c_start, c_end = after
    c_start, c_end, quoted = _unquote(text, c_start, c_end)
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb="according to",
        stance=_stance("", text[c_start:c_end]),
        start=start,
        end=end,
        content_start=c_start,
        content_end=c_end,
        sentence=index,
        quoted=quoted,
    )


_INTRO = wordset(
    """in on at during after before for with as while when despite since following amid
    meanwhile however"""
)
_PASSIVE_DENIAL = re.compile(
    r"\b(?:rejected|denied|disputed|dismissed|contested|refuted|rebutted|debunked)\s+by\s+"
)


def _is_trailing(text: str, start: int, actor_start: int, after: str) -> bool:
    """True for 'CONTENT, the Kremlin claimed on April 26': the statement precedes the actor."""
    lead = text[start:actor_start]
    if not re.search(r",\s*(?:the\s+|a\s+|an\s+)?$", lead, re.IGNORECASE):
        return False
    lead_words = lead.split()
    if len(lead_words) < 4 or (len(lead_words) <= 6 and lead_words[0].lower() in _INTRO):
        return False
    rest = _tokens(after)
    return not rest or rest[0].text.lower() in _TRAILING_STARTERS or rest[0].text in ",.;"


_DOCUMENTS = wordset(
    """obituary report statement letter sign message post note notice release memo email
    filing complaint lawsuit indictment affidavit document documents ruling verdict citation"""
)
_TELL_VERBS = wordset("tell tells told")
_COMPARATIVE_BEFORE = re.compile(r"\b(?:than|as)\s*$")
_QUOTE_CLOSES_BEFORE = re.compile(r"[,.!?][”\"]\s*$")
_IN_A_STATEMENT = re.compile(
    r"(?:in|on|at|during|via)\s+(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|release|post|email|e-mail|letter|tweet|conference|briefing|"
    r"video|message|essay|op-ed)\b,?\s+(?:that\s+)?"
)
# "told CNBC the team had yet to be chosen": a named listener, then the clause
_TOLD_WHOM = re.compile(
    r"\s*(?:(?:[A-Z][\w.&’'-]*\s+){1,3}|(?:reporters|journalists|the\s+\w+)\s+)"
    r"(?=(?:the|a|an|he|she|they|it|his|her|their|its|we|there|this|no)\s)"
)
_WHEN_THEN_QUOTE = re.compile(
    r"(?:(?:on|in|at|last|this|late|early|earlier)\s+)?[\w.]+(?:\s+[\w.]+){0,2},\s*(?=[“\"])",
    re.IGNORECASE,
)


def _quotation_end(text: str, start: int, end: int) -> int:
    """A content opening with a quotation that closes before a trailing phrase ('"I am
    staying," a position she repeated later') ends with the quotation."""
    if start >= end or text[start] not in "“\"":
        return end
    close = _closing_quote(text[start:end])
    if close < 0:
        return end
    rest = text[start + close + 1 : end]
    comma = text[start + close - 1] == "," or rest.lstrip().startswith(",")
    if comma and re.match(r"\s*,?\s*(?:a|an|the|which|who|as|in|on|adding|before|after)\b", rest):
        return start + close + 1
    return end


def _verb_led(text: str, start: int, end: int, index: int) -> Attribution | None:
    quoted = _quoted_mask(text, start, end)
    toks = _tokens(text[start:end], start)
    for k, tok in enumerate(toks):
        verb = tok.text
        # "The obituary reads, in part, ...": a text read out, when a document is the subject
        read = verb in {"reads", "read"} and k > 0 and toks[k - 1].text.lower() in _DOCUMENTS
        if not verb.islower() or (verb not in REPORTING_VERBS and not read):
            continue
        if quoted[tok.start - start]:
            continue
        if not verb.endswith("ing") and _PASSIVE_AUX.search(text, start, tok.start):
            continue
        relative = _RELATIVE_CLAUSE.search(text, start, tok.start)
        actor = _actor_before(text, relative.start() if relative else tok.start, start)
        if actor is not None and (
            _COMPARATIVE_BEFORE.search(text, start, actor[0])
            or _QUOTE_CLOSES_BEFORE.search(text, start, actor[0])
        ):
            # "a better claim than Rubio believes he ...": no statement; '..., " Scaramucci
            # wrote, tagging ...': the statement is the quotation before
            return None
        pronoun = False
        if actor is not None and re.search(r"['’]s?$", text[actor[0] : actor[1]]):
            actor = None
        if actor is None:
            before = _tokens(text[start : tok.start], start)
            while before and before[-1].text.lower() in _SKIPPABLE:
                before.pop()
            if before and before[-1].text.lower() in PRONOUNS - _NOT_THIRD_PERSON:
                actor = (before[-1].start, before[-1].end)
                pronoun = True
            else:
                inverted = _inverted(text, start, end, tok)
                if inverted is not None:
                    return replace(inverted, sentence=index)
                continue
        after = text[tok.end : end]
        that = re.match(
            r"\s*(?:[^,.;:“”\"]{0,40}?\s)?(?:that|:)\s+(?!(?:account|claim|report|statement|"
            r"assertion|allegation|version|story|figure|announcement|idea)s?\b"
            # "that reports of their defeat are misleading": "that" opens a clause after all
            r"(?!\s+(?:of|about|from)\b))"
            # "claims that is not true": "that" is what is denied, not a conjunction.
            r"(?!(?:is|was|isn['’]t|wasn['’]t)\b)",
            after,
        )
        quote_follows = re.match(r"\s*,?\s*[“\"]", after) is not None
        # 'Speaking of the talks, Sherak said, "We suggested ..."': the quotation, not the lead
        trailing = not quote_follows and _is_trailing(text, start, actor[0], after)
        told = _TOLD_WHOM.match(after) if verb in _TELL_VERBS and not that else None
        if verb in _NEEDS_THAT and not (that or told or trailing or quote_follows):
            continue
        elided: tuple[int, int] | None = None
        if told:
            c_start, c_end = _trim(text, tok.end + told.end(), end)
        elif that:
            c_start, c_end = _trim(text, tok.end + that.end(), end)
        elif trailing:
            lead_end = re.search(r",\s*(?:the\s+|a\s+|an\s+)?$", text[start : actor[0]], re.I)
            assert lead_end is not None
            c_start, c_end = _trim(text, start, start + lead_end.start())
            if re.match(r",\s*\S+(?:\s+\S+){2}", text[tok.end : end]) and not re.search(
                r"(?:\band|\bbut|[–—-])\s*$", text[c_start:c_end]
            ):
                # "Even if he had won, Rubio said, the victory could prove pyrrhic": the
                # speaker stands inside the sentence, which is the statement as a whole, less
                # the words of attribution
                elided = (c_end, tok.end + 1)
                c_start, c_end = _trim(text, start, end)
        else:
            c_start, c_end = _trim(text, tok.end, end)
        if c_end - c_start < 3 and verb in DENY_VERBS:
            rumour = _RUMOUR_BEFORE.search(text, start, actor[0])
            if rumour is not None:
                # "..., according to rumours he has flatly denied": what the rumour says
                c_start, c_end = _trim(text, start, rumour.start())
        medium = _IN_A_STATEMENT.match(text, c_start, c_end)
        if medium is not None and len(text[medium.end() : c_end].split()) >= 3:
            c_start = medium.end()  # "said in a statement they had a warrant"
        when = _WHEN_THEN_QUOTE.match(text, c_start, c_end)
        if when is not None:
            c_start = when.end()  # 'wrote on Monday, "I am staying"': the quotation
        c_end = _quotation_end(text, c_start, c_end)
        if c_end - c_start < 3 or (
            _fragment(text[c_start:c_end], after)
            and not (verb in DENY_VERBS and _DENIED_ACCUSATION.match(text[c_start:c_end]))
        ):
            continue
        stance_text = text[tok.end : c_end] if c_start >= tok.end else text[c_start:c_end]
        c_start, c_end, quoted_content = _unquote(text, c_start, c_end)
        if elided is not None and not c_start < elided[0] < elided[1] < c_end:
            elided = None
        content = text[c_start:c_end]
        return Attribution(
            actor=text[actor[0] : actor[1]],
            verb=verb,
            stance=_stance(verb, stance_text),
            start=start,
            end=end,
            content_start=c_start,
            content_end=c_end,
            pronoun=pronoun,
            anaphoric=bool(
                _ANAPHORIC.search(content)
                or _PRONOUN_OBJECT.match(content)
                or _PRONOUN_SUBJECT.match(content)
            ),
            sentence=index,
            quoted=quoted_content,
            elided=elided,
        )
    return None


_RUMOUR_BEFORE = re.compile(
    r",?\s*(?:(?:according to|amid|despite|following|after|dismissing|denying)\s+)?"
    r"(?:the\s+|media\s+|press\s+|persistent\s+|recent\s+)*"
    r"(?:rumou?rs?|reports?|claims?|allegations?|accusations?|suggestions?|speculation)\s+"
    r"(?:that\s+|which\s+)?$",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(
    rf"^(?:(?:on|late|early|last|this|next|by)\s+)?(?:{_DAYS}|yesterday|today|tonight|"
    r"tomorrow)(?:\s+(?:morning|afternoon|evening|night))?\W*$",
    re.IGNORECASE,
)


_PREPOSITION_LED = re.compile(r"^(?:from|in|at|on|to|with|by|for|of)\b", re.IGNORECASE)
_SUBJECTLESS = re.compile(r"^(?:of|with|have|has|had|were|are|been)\b")
_DATELINE = re.compile(r"^(?:in|from|at)\s+[A-Z]")
_DANGLING_END = re.compile(r"[\s,;:–—-]+(?:and|but|or|while|as)$", re.IGNORECASE)


# "denies wrongdoing": what the denier is accused of, named by one noun
_DENIED_ACCUSATION = re.compile(
    r"(?:any\s+)?(?:wrongdoing|wrong-doing|allegations|accusations|charges|claims|guilt|"
    r"involvement|responsibility)\W*$",
    re.IGNORECASE,
)


def _fragment(content: str, after_verb: str = "") -> bool:
    """Content no reader can take as a statement: a day alone ("said: Wednesday."), one word,
    a bare object after a colon ("rejecting: the appeals."), a place or time after the verb
    ("reported from Madrid")."""
    n_words = len(re.findall(r"\w+", content))
    if n_words < 2 or _TIME_ONLY.match(content.strip()):
        return True
    if _PREPOSITION_LED.match(content) and n_words < 5:
        return True
    if _SUBJECTLESS.match(content):
        return True  # "confirmed have previously been reported": the subject was cut off
    if _DATELINE.match(content) and n_words < 8:
        return True  # "reported from London and Steve Almasy in Atlanta": a byline
    return after_verb.lstrip().startswith(":") and n_words < 3 and not _ANY_MARK.search(content)


_AND_THEN = re.compile(
    r"\s+and\s+(?:was|were|is|has|had|have|will|would|later|then|said|says)\b"
)


# "DALLAS – A Dallas priest ...", "LONDON (Reuters) - ...": the place a report was filed from
_DATELINE_LEAD = re.compile(
    r"[A-Z][A-Z.’'-]+(?:\s+[A-Z][A-Z.’'-]+)*(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"
    r"\s*(?:\([^()]{1,30}\)\s*)?[–—-]{1,2}\s+(?=[A-Z“\"])"
)


def _finish(text: str, hit: Attribution) -> Attribution | None:
    """The statement as kept: a dateline cut off its start and a dangling 'and' off its end;
    None for a fragment."""
    start, end = hit.content_start, hit.content_end
    dateline = _DATELINE_LEAD.match(text, start, end)
    if dateline is not None:
        start = dateline.end()
    dangling = _DANGLING_END.search(text, start, end)
    if dangling is not None:
        end = dangling.start()
    while end > start and text[end - 1] == ")" and "(" not in text[start:end]:
        end -= 1  # "(Weinstein denied the claims.)": the bracket closes around the sentence
    if hit.stance == "denies" and not hit.quoted:
        # "denied the allegations and was not charged": the speaker's next deed is no content
        more = _AND_THEN.search(text, start, end)
        if more is not None and _ANAPHORIC.search(text[start : more.start()]):
            end = more.start()
    if (
        not hit.outlet_voice
        and _fragment(text[start:end])
        and not (hit.stance == "denies" and _DENIED_ACCUSATION.match(text[start:end]))
    ):
        return None
    if (start, end) == (hit.content_start, hit.content_end):
        return hit
    elided = hit.elided
    if elided is not None and not start < elided[0] < elided[1] < end:
        elided = None
    return replace(hit, content_start=start, content_end=end, elided=elided)


_STATEMENT_SAYING = re.compile(
    r"\b(?P<verb>released|issued|put out|posted|sent|gave)\s+(?:a|an)\s+(?:\w+\s+){0,2}?"
    r"(?:statement|message|post|tweet|letter|response)(?:\s+\w+){0,4}?\s+"
    r"(?:saying|which said|that said|reading|stating)[:,]?\s+"
    # "responded to the obituary, saying it is untrue"
    r"|\b(?P<verb2>responded|reacted|replied)(?:\s+to\s+[^,.;“”\"]{1,60})?,\s+saying:?\s+"
)


_SAYING = re.compile(r",\s+saying(?:\s+that)?[:,]?\s+")
_SUBJECT_LEAD = re.compile(r"\s*(?:(?:but|and|then|later|now|in\s+\d{4}|on\s+\w+)\s*,?\s+)?", re.I)


def _subject_saying(text: str, start: int, end: int) -> tuple[tuple[int, int] | None, int]:
    """'Christensen's lawyers are seeking to block the testimony, saying she could not be
    certain': the clause's subject says what follows 'saying'."""
    m = _SAYING.search(text, start, end)
    if m is None:
        return None, 0
    lead = _SUBJECT_LEAD.match(text, start, m.start())
    subject_start = lead.end() if lead else start
    toks = _tokens(text[subject_start : m.start()], subject_start)
    for k, tok in enumerate(toks):
        if not tok.text.islower() or tok.text in _CONNECTORS | {"a", "an", "'s", "’s"}:
            continue
        if tok.text in ROLE_NOUNS or tok.text in ROLE_MODIFIERS:
            continue
        if k and toks[k - 1].text.lower() in _CONNECTORS | {"a", "an"}:
            continue  # "lawyers for the tenants": still the noun phrase
        actor = _actor_before(text, tok.start, subject_start)
        if actor is None or text[subject_start : actor[0]].strip(" ,").lower() not in {
            "", "the", "a", "an"
        }:
            return None, 0
        return actor, m.end()
    return None, 0


def _statement_saying(text: str, start: int, end: int, index: int) -> Attribution | None:
    """'A rep for the actress released a statement saying, "..."'."""
    m = _STATEMENT_SAYING.search(text, start, end)
    if m is not None:
        actor = _actor_before(text, m.start("verb" if m.group("verb") else "verb2"), start)
        content_from = m.end()
    else:
        actor, content_from = _subject_saying(text, start, end)
    if actor is None:
        return None
    c_start, c_end, quoted = _unquote(text, *_trim(text, content_from, end))
    content = text[c_start:c_end]
    if c_end - c_start < 3:
        return None
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb="said",
        stance=_stance("said", content),
        start=start,
        end=end,
        content_start=c_start,
        content_end=c_end,
        anaphoric=bool(_ANAPHORIC.search(content)),
        sentence=index,
        quoted=quoted,
    )


_ACCUSED_BY = re.compile(
    r"\b(?:is|was|were|are|has\s+been|have\s+been|had\s+been)\s+(?:also\s+)?"
    r"(?P<verb>accused|charged)\s+by\s+"
)


def _accused_by(text: str, start: int, end: int, index: int) -> Attribution | None:
    """'Orrin Vale is accused by prosecutors of stealing from the charity': the accusers'
    claim, the sentence as a whole."""
    m = _ACCUSED_BY.search(text, start, end)
    if m is None or m.start() - start < 3:
        return None
    actor = _actor_after(text, m.end())
    if actor is None or not re.match(r"\s+(?:of|with)\s+\w", text[actor[1] : end]):
        return None
    c_start, c_end = _trim(text, start, end)
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb=m.group("verb"),
        stance="asserts",
        start=start,
        end=end,
        content_start=c_start,
        content_end=c_end,
        sentence=index,
    )


def _inverted(text: str, start: int, end: int, verb: _Token) -> Attribution | None:
    """'CONTENT, said the regional chamber of commerce.': reported speech with the speaker
    after the verb."""
    if verb.text not in _FOLLOWING_ACTOR_VERBS:
        return None
    lead = re.search(r",\s*$", text[start : verb.start])
    if lead is None or len(text[start : start + lead.start()].split()) < 4:
        return None
    actor = _actor_after(text, verb.end)
    if actor is None or actor[1] > end:
        return None
    c_start, c_end, quoted = _unquote(text, *_trim(text, start, start + lead.start()))
    if _ANY_MARK.search(text, c_start, c_end) and not quoted:
        return None
    content = text[c_start:c_end]
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb=verb.text,
        stance=_stance(verb.text, content),
        start=start,
        end=end,
        content_start=c_start,
        content_end=c_end,
        quoted=quoted,
    )


def _reported_denial(text: str, hit: Attribution, index: int) -> Attribution | None:
    """'"The president has denied the allegations," the spokeswoman said': the denial is the
    president's, reported by the spokeswoman."""
    if hit.stance == "denies" or hit.content_end - hit.content_start < 8:
        return None
    inner = _verb_led(text, hit.content_start, hit.content_end, index)
    if inner is None or inner.verb not in DENY_VERBS or inner.stance != "denies":
        return None
    at = text.find(inner.actor, hit.content_start, hit.content_end)
    if at < 0 or text[hit.content_start : at].strip().lower() not in {"", "the", "a", "an"}:
        return None
    if inner.pronoun and inner.actor.lower() in {"he", "she", "they"}:
        # "Kamerud told AP that he disputed ...": "he" is the one who told
        inner = replace(inner, actor=hit.actor, pronoun=hit.pronoun)
    return replace(inner, start=hit.start, end=hit.end, quoted=False)


_REPORTS_DENIED = re.compile(
    r"(?P<noun>(?:(?:the|recent|persistent|several|some)\s+)*(?:(?:media|press|news)\s+)?"
    r"(?:reports?|claims?|allegations?|rumou?rs?|suggestions?|accusations?))"
    r"(?:\s+(?:by|from|in)\s+(?P<source>[^,;:“”\"]{3,60}?))?\s+that\s*$",
    re.IGNORECASE,
)


def _denied_report(text: str, denial: Attribution) -> Attribution | None:
    """'Family members have denied media reports that he was ill': the reports assert what the
    family denies, so they are a claim of their own (by 'several media outlets' when named)."""
    if denial.stance != "denies" or denial.outlet_voice:
        return None
    m = _REPORTS_DENIED.search(text, denial.start, denial.content_start)
    if m is None or m.end() < denial.content_start - 1:
        return None
    if not m.group("source") and not re.search(r"media|press|news", m.group("noun"), re.I):
        return None  # "rejected the report that ...": whose report is not said
    source = m.group("source") or m.group("noun")
    source = re.sub(r"^(?:the|recent|persistent)\s+", "", source.strip(), flags=re.IGNORECASE)
    return replace(
        denial,
        actor=source[:1].upper() + source[1:],
        verb="reported",
        stance="asserts",
        pronoun=False,
        anaphoric=False,
        quoted=False,
    )


def _passive_denial(text: str, main: Attribution) -> Attribution | None:
    """'"Crimea will stay with Russia," a statement firmly rejected by Ukrainian President
    Volodymyr Zelenskyy': the party after "by" denies the main statement's content."""
    m = _PASSIVE_DENIAL.search(text, main.start, main.end)
    if m is None:
        return None
    actor = _actor_after(text, m.end())
    if actor is None:
        return None
    c_start, c_end, quoted = main.content_start, main.content_end, main.quoted
    if c_start <= m.start() < c_end:
        quote = re.search(r"[“\"](.+?)[”\"]", text[c_start : m.start()])
        if quote:
            c_start, c_end = _trim(text, c_start + quote.start(1), c_start + quote.end(1))
            quoted = True
        else:
            c_end = m.start()
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb=m.group(0).split()[0],
        stance="denies",
        start=main.start,
        end=main.end,
        content_start=c_start,
        content_end=c_end,
        sentence=main.sentence,
        quoted=quoted,
    )


_QUOTE_RUN = 3
_WHOLE_QUESTION = re.compile(r"[“\"][^“”\"]+[?!][”\"]$")
_TERMINAL = re.compile(r"[.!?…][”\"’)]*$|[”\"]$")


def find_attributions(text: str, outlet: str = "") -> list[Attribution]:
    """Attributed statements in ``text``, in reading order. With ``outlet``, a sentence that
    rejects a claim in the outlet's own voice ("The story is a hoax.") is kept as the outlet's
    denial."""
    found: list[Attribution] = []
    open_quote: Attribution | None = None
    # where a quotation opened in a sentence that named no speaker: '"We are close. There is
    # no reason to fail," Holt said.' is Holt's from the first mark
    pending: tuple[int, int] | None = None
    for index, sentence in enumerate(split_sentences(text)):
        if not _TERMINAL.search(sentence.text):
            open_quote = None
            pending = None
            continue
        before = len(found)
        _attributions_in_sentence(text, sentence, index, found)
        if len(found) == before and pending is not None:
            opened_at, opened_in = pending
            hit = None
            if index - opened_in <= _QUOTE_RUN and "\n" not in text[opened_at : sentence.start]:
                hit = _quote_led(text, opened_at, sentence.end, index)
            if hit is not None:
                hit = _finish(text, hit)
            if hit is not None:
                found.append(hit)
                pending = None
                continue
        if len(found) == before and open_quote is None and found:
            more = _quote_after_speaker(text, sentence, index, found[-1])
            if more is not None:
                # '"We reopen in May," Lund said. "The roof is nearly done."': Lund's too
                found.append(more)
                pending = None
                continue
        asks = _WHOLE_QUESTION.match(sentence.text) is not None
        if len(found) > before or not (_opens_quote(sentence.text) or asks):
            pending = None
        elif (pending is None or asks) and open_quote is None and sentence.text[:1] in "“\"":
            # ('"Why now?" the tenant asked.': the speaker is in the next sentence)
            pending = (sentence.start, index)
        if len(found) == before and open_quote is not None:
            # the rest of a quotation opened in an earlier sentence: the same speaker's words
            more, open_quote = _quote_goes_on(text, sentence, index, open_quote)
            if more is not None:
                found.append(more)
            continue
        open_quote = None
        if len(found) > before and _opens_quote(text[found[-1].start : sentence.end]):
            open_quote = found[-1]
        if outlet and len(found) == before and outlet_denies(sentence.text):
            found.append(
                Attribution(
                    actor=outlet,
                    verb="reports",
                    stance="denies",
                    start=sentence.start,
                    end=sentence.end,
                    content_start=sentence.start,
                    content_end=sentence.end,
                    sentence=index,
                    outlet_voice=True,
                )
            )
    return found


def _quote_after_speaker(
    text: str, sentence: Span, index: int, previous: Attribution
) -> Attribution | None:
    """A sentence that is one whole quotation, right after a quoted statement of the sentence
    before in the same paragraph: the same speaker goes on."""
    if (
        not previous.quoted
        or previous.outlet_voice
        or previous.sentence != index - 1
        or "\n" in text[previous.end : sentence.start]
        or sentence.text[:1] not in "“\""
        or not re.search(r"[”\"]\W*$", sentence.text)
    ):
        return None
    c_start, c_end, quoted = _unquote(text, sentence.start, sentence.end)
    if not quoted or c_end - c_start < 3:
        return None
    content = text[c_start:c_end]
    return replace(
        previous,
        stance=_stance(previous.verb, content),
        start=sentence.start,
        end=sentence.end,
        content_start=c_start,
        content_end=c_end,
        elided=None,
        anaphoric=bool(_ANAPHORIC.search(content) or _PRONOUN_SUBJECT.match(content)),
        sentence=index,
        quoted=True,
    )


def _opens_quote(span: str) -> bool:
    """Whether ``span`` opens a quotation it does not close."""
    return span.count("“") > span.count("”") or span.count('"') % 2 == 1


def _quote_goes_on(
    text: str, sentence: Span, index: int, opened: Attribution
) -> tuple[Attribution | None, Attribution | None]:
    """The words of ``sentence`` up to the mark closing ``opened``'s quotation, as the same
    speaker's quote; and the attribution whose quotation is still open after it (or None)."""
    begin = sentence.start
    if sentence.text[:1] in "“\"" and "\n" in text[opened.end : sentence.start]:
        # a new paragraph of the same quotation opens with a mark again and the one before
        # was left open: '... barbaric.\n\n"This is a cruel decision."'
        begin += 1
    close = re.search(r"[”\"]", text[begin : sentence.end])
    stop = begin + close.start() if close else sentence.end
    c_start, c_end = _trim(text, begin, stop)
    while c_end > c_start and text[c_end - 1] in ",.":
        c_end -= 1
    if c_end - c_start < 3 or _ANY_MARK.search(text, c_start, c_end):
        return None, None
    content = text[c_start:c_end]
    more = replace(
        opened,
        stance=_stance(opened.verb, content),
        start=sentence.start,
        end=sentence.end,
        content_start=c_start,
        content_end=c_end,
        elided=None,
        anaphoric=bool(_ANAPHORIC.search(content) or _PRONOUN_SUBJECT.match(content)),
        sentence=index,
        quoted=True,
    )
    return more, (None if close else opened)


def _attributions_in_sentence(
    text: str, sentence: Span, index: int, found: list[Attribution]
) -> None:
    quoted = _quote_led(text, sentence.start, sentence.end, index)
    if quoted is not None:
        kept = _finish(text, _reported_denial(text, quoted, index) or quoted)
        if kept is not None:
            found.append(kept)
        return
    for c_start, c_end in _clauses(text, sentence):
        hit = (
            _verb_led(text, c_start, c_end, index)
            or _according_to(text, c_start, c_end, index)
            or _statement_saying(text, c_start, c_end, index)
            or _accused_by(text, c_start, c_end, index)
        )
        if hit is None:
            continue
        hit = _finish(text, _reported_denial(text, hit, index) or hit)
        if hit is None:
            continue
        report = _denied_report(text, hit)
        if report is not None:
            found.append(report)
        found.append(hit)
        passive = _passive_denial(text, hit)
        if passive is not None:
            found[-1] = replace(
                hit, content_start=passive.content_start, content_end=passive.content_end,
                quoted=passive.quoted, elided=passive.elided,
            )
            found.append(passive)
