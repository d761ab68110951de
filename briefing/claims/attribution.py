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
from itertools import pairwise

from ..models import Stance
from ..text import Span, split_sentences
from .actors import (
    CONNECTORS,
    DAYS,
    DOCUMENTS,
    NOT_THIRD_PERSON,
    PRONOUNS,
    REPORTING_VERBS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    SKIPPABLE,
    Token,
    actor_after,
    actor_before,
    tokens,
)
from .quotes import (
    ANY_MARK,
    as_double_quoted,
    closing_quote,
    quotation_end,
    quoted_mask,
    trim,
    unquote,
)
from .stance import DENY_VERBS, is_denial, outlet_denies, wordset

# Verbs whose object is not what was said unless "that" (or a colon, or a quotation) follows:
# "told The Associated Press." names the audience, "found the car" is no statement.
_NEEDS_THAT = wordset(
    """add adds added note notes noted find finds found rule rules ruled tell tells told
    inform informs informed counter counters countered countering contradict contradicts
    contradicted"""
)
_FOLLOWING_ACTOR_VERBS = wordset(
    "said says added noted stated wrote told claimed insisted explained"
)
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
_PASSIVE_AUX = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got)\s+$", re.IGNORECASE)
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose)\b[^,;“”\"]*,\s*$")
_PRONOUN_OBJECT = re.compile(r"(?:it|this|that|these|those|them)\s*(?:[,.;]|$|as\b)", re.I)
_PRONOUN_SUBJECT = re.compile(
    r"(?:it|this|that)(?:\s+(?:is|was|isn['’]t|wasn['’]t)\b|['’]s\b)", re.I
)
_CONTRAST = re.compile(r",\s+(?:though|although|but|while|whereas|only for)\s+|;\s+")


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
    answers: str = ""
    """The document a statement answers ("responded to the obituary, saying ...")."""
    carried: bool = False
    """A quotation that goes on from the speaker's statement before it, which named them."""

    def content(self, text: str) -> str:
        """The statement's words: a slice of ``text``, or two slices joined by " … " when the
        attribution stands in the middle of the sentence."""
        if self.elided is None:
            return text[self.content_start : self.content_end]
        head = text[self.content_start : self.elided[0]].rstrip(" ,;")
        tail = text[self.elided[1] : self.content_end].lstrip(" ,;")
        return f"{head} {ELLIPSIS} {tail}"


def _within(elided: tuple[int, int] | None, start: int, end: int) -> tuple[int, int] | None:
    """The left-out words of attribution, while they still stand inside the statement."""
    return elided if elided is not None and start < elided[0] < elided[1] < end else None


def _clauses(text: str, sentence: Span) -> list[tuple[int, int]]:
    cuts = [sentence.start]
    ends = []
    body = sentence.text
    quoted = quoted_mask(text, sentence.start, sentence.end)
    for m in _CONTRAST.finditer(body):
        if quoted[m.start()]:
            continue
        ends.append(sentence.start + m.start())
        cuts.append(sentence.start + m.end())
    ends.append(sentence.end)
    return list(zip(cuts, ends, strict=True))


def _stance(verb: str, content: str) -> Stance:
    return "denies" if is_denial(verb, content.strip()) else "asserts"


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
    close = closing_quote(clause)
    if close < 0:
        return None
    q_start, q_end = trim(text, start + 1, start + close)
    while q_end > q_start and text[q_end - 1] in ",.":
        q_end -= 1
    rest_start = start + close + 1
    rest = text[rest_start:end]
    m = re.match(r"\s*,?\s*", rest)
    after = rest_start + (m.end() if m else 0)
    toks = tokens(text[after:end], after)
    if not toks or q_end - q_start < 3:
        return None
    if toks[0].text.lower() in _FOLLOWING_ACTOR_VERBS:
        actor = actor_after(text, toks[0].end)
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
        actor = actor_before(text, verb_tok.start, after)
        if actor is None:
            named = actor_after(text, after)
            if named is not None and text[named[1] : verb_tok.start].lstrip().startswith(","):
                actor = named
        if actor is None:
            words_before = text[after : verb_tok.start].split()
            if not words_before or words_before[-1].lower() not in (
                PRONOUNS - NOT_THIRD_PERSON
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
    actor = actor_after(text, start + m.end())
    if actor is None:
        return None
    if m.start() < 3:
        c_start, c_end = trim(text, actor[1], end)
    else:
        c_start, c_end = trim(text, start, start + m.start())
        # "In the early morning of May 2, according to court records, he broke in ...": the
        # words before are only when; the statement follows the source
        lead = text[c_start:c_end].split()
        comma = text.find(",", actor[1], end)
        after = trim(text, comma, end) if comma >= 0 else (end, end)
        if (
            lead
            and lead[0].lower() in _INTRO | _WHEN_LEADS
            and len(text[actor[1] : comma].split()) <= 2
            and len(text[after[0] : after[1]].split()) >= max(4, len(lead))
        ):
            c_start, c_end = after
    c_start, c_end, quoted = unquote(text, c_start, c_end)
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


# "CONTENT, harbour master Ann Lee said": the comma, an article or a few words of the speaker's
# role, then the speaker; not "CONTENT, and union leader Ann Lee said"
_TRAILING_LEAD = re.compile(
    r",\s*(?:(?:[Tt]he|[Aa]n?)\s+)?"
    r"(?:(?!(?:and|but|or|while|as|when|who|which|that|where|after|before|because|if|since|"
    r"though|although|so|then|also|said|says|told)\b)[a-z][\w-]*\s+){0,3}$"
)


def _is_trailing(text: str, start: int, actor_start: int, after: str) -> bool:
    """True for 'CONTENT, the Kremlin claimed on April 26': the statement precedes the actor."""
    lead = text[start:actor_start]
    if not _TRAILING_LEAD.search(lead):
        return False
    lead_words = lead.split()
    if len(lead_words) < 4 or (len(lead_words) <= 6 and lead_words[0].lower() in _INTRO):
        return False
    rest = tokens(after)
    return not rest or rest[0].text.lower() in _TRAILING_STARTERS or rest[0].text in ",.;"
_TELL_VERBS = wordset(
    "tell tells told warn warns warned assure assures assured remind reminds reminded"
)
_COMPARATIVE_BEFORE = re.compile(r"\b(?:than|as)\s*$")
_QUOTE_CLOSES_BEFORE = re.compile(r"[,.!?][”\"]\s*$")
_IN_A_STATEMENT = re.compile(
    r"(?:in|on|at|during|via)\s+(?:a|an|the|his|her|their|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|release|post|email|e-mail|letter|tweet|conference|briefing|"
    r"video|message|essay|op-ed)\b,?\s+(?:that\s+)?"
)
# "told CNBC the team had yet to be chosen": a named listener, then the clause
_TOLD_WHOM = re.compile(
    r"\s*(?:(?:[A-Z][\w.&’'-]*\s+){1,3}|(?:reporters|journalists|them|him|her|us|the\s+\w+)\s+)"
    r"(?=(?:the|a|an|he|she|they|it|his|her|their|its|we|there|this|no)\s)"
)
_WHEN_THEN_QUOTE = re.compile(
    r"(?:(?:on|in|at|last|this|late|early|earlier)\s+)?[\w.]+(?:\s+[\w.]+){0,2},\s*(?=[“\"])",
    re.IGNORECASE,
)


def _speaker_trails(
    text: str, later: list[Token], start: int, end: int, quoted: list[bool]
) -> bool:
    """'The priest admitted the theft, was suspended and removed, the bishop said.': the
    sentence ends with its speaker, so an earlier verb is part of what that speaker said."""
    for tok in later:
        if tok.text not in REPORTING_VERBS or quoted[tok.start - start]:
            continue
        actor = actor_before(text, tok.start, start)
        if actor is not None and _is_trailing(text, start, actor[0], text[tok.end : end]):
            rest = text[tok.end : end].strip(" .")
            return not rest or rest.split()[0].lower() in _TRAILING_STARTERS
    return False


# what comes between the verb and a quotation introduced by a colon: the medium, the listener
# or the object of a rejection ('rejected any suggestion of it: "We are above politics."')
_LEAD_THEN_QUOTE = re.compile(r"[^“”\"\n:]{1,160}?:\s*(?=[“\"]|”\w)")  # ”We: a misturned mark


def _verb_led(text: str, start: int, end: int, index: int) -> Attribution | None:
    quoted = quoted_mask(text, start, end)
    toks = tokens(text[start:end], start)
    for k, tok in enumerate(toks):
        verb = tok.text
        # "The obituary reads, in part, ...": a text read out, when a document is the subject
        read = verb in {"reads", "read"} and k > 0 and toks[k - 1].text.lower() in DOCUMENTS
        if not verb.islower() or (verb not in REPORTING_VERBS and not read):
            continue
        if quoted[tok.start - start]:
            continue
        if not verb.endswith("ing") and _PASSIVE_AUX.search(text, start, tok.start):
            continue
        relative = _RELATIVE_CLAUSE.search(text, start, tok.start)
        actor = actor_before(text, relative.start() if relative else tok.start, start)
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
        if actor is None and verb in REPORTING_VERBS and not _inner_speaker(toks[k + 1 :]):
            actor = _coordinated_subject(text, start, tok.start)
            if actor is not None and re.search(r"['’]s?$", text[actor[0] : actor[1]]):
                actor = None
        if actor is None:
            before = tokens(text[start : tok.start], start)
            while before and before[-1].text.lower() in SKIPPABLE:
                before.pop()
            if before and before[-1].text.lower() in PRONOUNS - NOT_THIRD_PERSON:
                actor = (before[-1].start, before[-1].end)
                pronoun = True
            else:
                inverted = _inverted(text, start, end, tok)
                if inverted is not None:
                    return replace(inverted, sentence=index)
                continue
        after = text[tok.end : end]
        if _PREDICATE_QUOTE.match(after.lstrip(" ,")):
            continue  # 'a saga which, Bill says, "is more messed up ...": no whole statement
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
            c_start, c_end = trim(text, tok.end + told.end(), end)
        elif that:
            c_start, c_end = trim(text, tok.end + that.end(), end)
        elif trailing:
            lead_end = _TRAILING_LEAD.search(text[start : actor[0]])
            assert lead_end is not None
            c_start, c_end = trim(text, start, start + lead_end.start())
            if re.match(r",\s*\S+(?:\s+\S+){2}", text[tok.end : end]) and not re.search(
                r"(?:\band|\bbut|[–—-])\s*$", text[c_start:c_end]
            ):
                # "Even if he had won, Rubio said, the victory could prove pyrrhic": the
                # speaker stands inside the sentence, which is the statement as a whole, less
                # the words of attribution
                elided = (c_end, tok.end + 1)
                c_start, c_end = trim(text, start, end)
        else:
            c_start, c_end = trim(text, tok.end, end)
        if c_end - c_start < 3 and verb in DENY_VERBS:
            rumour = _RUMOUR_BEFORE.search(text, start, actor[0])
            if rumour is not None:
                # "..., according to rumours he has flatly denied": what the rumour says
                c_start, c_end = trim(text, start, rumour.start())
        medium = _IN_A_STATEMENT.match(text, c_start, c_end)
        if medium is not None and len(text[medium.end() : c_end].split()) >= 3:
            c_start = medium.end()  # "said in a statement they had a warrant"
        when = _WHEN_THEN_QUOTE.match(text, c_start, c_end)
        if when is not None:
            c_start = when.end()  # 'wrote on Monday, "I am staying"': the quotation
        lead = _LEAD_THEN_QUOTE.match(text, c_start, c_end)
        if lead is not None and not quoted[lead.end() - start - 1]:
            c_start = lead.end()  # 'said in a statement: "We agreed ..."': the quotation
        c_end = quotation_end(text, c_start, c_end)
        if c_end - c_start < 3 or (
            _fragment(text[c_start:c_end], after)
            and not (verb in DENY_VERBS and _DENIED_ACCUSATION.match(text[c_start:c_end]))
        ):
            continue
        if _speaker_trails(text, toks[k + 1 :], start, end, quoted):
            continue
        stance_text = text[tok.end : c_end] if c_start >= tok.end else text[c_start:c_end]
        c_start, c_end, quoted_content = unquote(text, c_start, c_end)
        elided = _within(elided, c_start, c_end)
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
    rf"^(?:(?:on|late|early|last|this|next|by)\s+)?(?:{DAYS}|yesterday|today|tonight|"
    r"tomorrow)(?:\s+(?:morning|afternoon|evening|night))?\W*$",
    re.IGNORECASE,
)


_PREPOSITION_LED = re.compile(r"^(?:from|in|at|on|to|with|by|for|of)\b", re.IGNORECASE)
_SUBJECTLESS = re.compile(r"^(?:of|with|have|has|had|were|are|been)\b")
# "wrote an open letter in the Post": the writing, not what it says
_A_WRITING = re.compile(
    r"^(?:an?|the|his|her|their|its)\s+(?:\w+\s+){0,2}?(?:letter|statement|post|essay|op-ed|"
    r"column|tweet|book|memoir|article|piece|blog|message|note|email|e-mail)\b(?!\s+(?:that|:))",
    re.IGNORECASE,
)
# a quotation that opens with the verb of a subject left outside it: '"is more messed up ..."'
_PREDICATE_QUOTE = re.compile(r"^[“\"‘']?(?:is|was|are|were|has|had|have)\s")
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
    if _SUBJECTLESS.match(content) or _A_WRITING.match(content) or _PREDICATE_QUOTE.match(content):
        return True  # "confirmed have previously been reported": the subject was cut off
    if _DATELINE.match(content) and n_words < 8:
        return True  # "reported from London and Steve Almasy in Atlanta": a byline
    return after_verb.lstrip().startswith(":") and n_words < 3 and not ANY_MARK.search(content)


_AND_THEN = re.compile(
    r"\s+and\s+(?:was|were|is|has|had|have|will|would|later|then|said|says)\b"
)


# "DALLAS – A Dallas priest ...", "LONDON (Reuters) - ...": the place a report was filed from
_DATELINE_LEAD = re.compile(
    r"[A-Z][A-Z.’'-]+(?:\s+[A-Z][A-Z.’'-]+)*(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"
    r"\s*(?:\([^()]{1,30}\)\s*)?[–—-]{1,2}\s+(?=[A-Z“\"])"
)


_ACCORDING_TO_END = re.compile(r",\s+according to\s+[^,;:“”\"]{1,80}?[.]?$")
_TRUNCATED = re.compile(r",\s*(?:\.\.\.|…)[”\"’]?$")


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
    if hit.verb != "according to" and not hit.quoted:
        source = _ACCORDING_TO_END.search(text, start, end)
        if source is not None:
            end = source.start()  # "maintains he is innocent, according to court documents"
    if _TRUNCATED.search(text, start, end):
        return None  # "Lawford died of a heart attack on Tuesday,...": a cut-off teaser
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
    return replace(
        hit, content_start=start, content_end=end, elided=_within(hit.elided, start, end)
    )


_STATEMENT_SAYING = re.compile(
    r"\b(?P<verb>released|issued|put out|posted|sent|gave)\s+(?:a|an)\s+(?:\w+\s+){0,2}?"
    r"(?:statement|message|post|tweet|letter|response)(?:\s+\w+){0,4}?\s+"
    r"(?:saying|which said|that said|reading|stating)[:,]?\s+"
    # "responded to the obituary, saying it is untrue"
    r"|\b(?P<verb2>responded|reacted|replied)(?:\s+to\s+[^,.;“”\"]{1,60})?,\s+saying:?\s+"
)


_SAYING = re.compile(r",\s+saying(?:\s+that)?[:,]?\s+")
_SUBJECT_LEAD = re.compile(
    r"\s*(?:(?:but|and|then|later|now|however|in\s+\d{4}|on\s+\w+)\s*,?\s+)?", re.I
)


def _clause_subject(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The speaker that opens the clause ``text[start:end]``: the noun phrase before its
    first verb ("Christensen's lawyers are seeking ...", "However, journalist Tal Schneider
    took a screenshot ...")."""
    lead = _SUBJECT_LEAD.match(text, start, end)
    subject_start = lead.end() if lead else start
    toks = tokens(text[subject_start:end], subject_start)
    for k, tok in enumerate(toks):
        if not tok.text.islower() or tok.text in CONNECTORS | {"a", "an", "'s", "’s"}:
            continue
        if tok.text in ROLE_NOUNS or tok.text in ROLE_MODIFIERS:
            continue
        if k and toks[k - 1].text.lower() in CONNECTORS | {"a", "an"}:
            continue  # "lawyers for the tenants": still the noun phrase
        actor = actor_before(text, tok.start, subject_start)
        if actor is None:
            return None
        gap = tokens(text[subject_start : actor[0]], subject_start)
        while gap and gap[0].text.lower() in {"the", "a", "an"}:
            gap.pop(0)
        if any(t.text.lower() not in ROLE_NOUNS | ROLE_MODIFIERS for t in gap):
            return None
        # "journalist Tal Schneider": the role stays with the name
        return (gap[0].start if gap else actor[0]), actor[1]
    return None


def _subject_saying(text: str, start: int, end: int) -> tuple[tuple[int, int] | None, int]:
    """'Christensen's lawyers are seeking to block the testimony, saying she could not be
    certain': the clause's subject says what follows 'saying'."""
    m = _SAYING.search(text, start, end)
    if m is None:
        return None, 0
    actor = _clause_subject(text, start, m.start())
    return (actor, m.end()) if actor is not None else (None, 0)


def _inner_speaker(later: list[Token]) -> bool:
    """'... and told AP that he disputed the reports': a later verb has a speaker of its own."""
    kept = [t for t in later if t.text.lower() not in SKIPPABLE]
    return any(
        b.text in REPORTING_VERBS and a.text.lower() in PRONOUNS for a, b in pairwise(kept)
    )


def _coordinated_subject(text: str, start: int, verb_start: int) -> tuple[int, int] | None:
    """'Schneider took a screenshot of the tweet and noted that it came from her account':
    the verb after "and" shares the clause's subject."""
    before = tokens(text[start:verb_start], start)
    while before and before[-1].text.lower() in SKIPPABLE:
        before.pop()
    if len(before) < 3 or before[-1].text != "and":
        return None
    return _clause_subject(text, start, before[-1].start)


_SHORT_ANSWER = 4


def _statement_saying(text: str, start: int, end: int, index: int) -> Attribution | None:
    """'A rep for the actress released a statement saying, "..."'."""
    m = _STATEMENT_SAYING.search(text, start, end)
    answers, answer_verb = "", (0, 0)
    if m is not None:
        actor = actor_before(text, m.start("verb" if m.group("verb") else "verb2"), start)
        content_from = m.end()
        if m.group("verb2"):  # "responded to the obituary, saying ..."
            answered = re.search(r"\bto\s+the\s+([a-z]+)\b", m.group(0))
            answers = answered.group(1) if answered and answered.group(1) in DOCUMENTS else ""
            answer_verb = m.span("verb2")
    else:
        actor, content_from = _subject_saying(text, start, end)
    if actor is None:
        return None
    c_start, c_end, quoted = unquote(text, *trim(text, content_from, end))
    content = text[c_start:c_end]
    if c_end - c_start < 3:
        return None
    verb = "said"
    points_back = bool(_PRONOUN_OBJECT.match(content) or _PRONOUN_SUBJECT.match(content))
    if answers and points_back and not quoted and len(content.split()) <= _SHORT_ANSWER:
        # "responded to the obituary, saying it's untrue": what is answered, with the answer
        verb, c_start = text[slice(*answer_verb)], answer_verb[1] + 1
    return Attribution(
        actor=text[actor[0] : actor[1]],
        verb=verb,
        stance=_stance("said", content),
        start=start,
        end=end,
        content_start=c_start,
        content_end=c_end,
        anaphoric=bool(
            _ANAPHORIC.search(content)
            or _PRONOUN_OBJECT.match(content)
            or _PRONOUN_SUBJECT.match(content)
        ),
        sentence=index,
        quoted=quoted,
        answers=answers,
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
    actor = actor_after(text, m.end())
    if actor is None or not re.match(r"\s+(?:of|with)\s+\w", text[actor[1] : end]):
        return None
    c_start, c_end = trim(text, start, end)
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


def _inverted(text: str, start: int, end: int, verb: Token) -> Attribution | None:
    """'CONTENT, said the regional chamber of commerce.': reported speech with the speaker
    after the verb."""
    if verb.text not in _FOLLOWING_ACTOR_VERBS:
        return None
    lead = re.search(r",\s*$", text[start : verb.start])
    if lead is None or len(text[start : start + lead.start()].split()) < 4:
        return None
    actor = actor_after(text, verb.end)
    if actor is None or actor[1] > end:
        return None
    c_start, c_end, quoted = unquote(text, *trim(text, start, start + lead.start()))
    if ANY_MARK.search(text, c_start, c_end) and not quoted:
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
    actor = actor_after(text, m.end())
    if actor is None:
        return None
    c_start, c_end, quoted = main.content_start, main.content_end, main.quoted
    if c_start <= m.start() < c_end:
        quote = re.search(r"[“\"](.+?)[”\"]", text[c_start : m.start()])
        if quote:
            c_start, c_end = trim(text, c_start + quote.start(1), c_start + quote.end(1))
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
    text = as_double_quoted(text)
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
                if _opens_quote(sentence.text):
                    open_quote = more  # '... Lund said. "The roof is done. We open soon."'
                continue
        asks = _WHOLE_QUESTION.match(sentence.text) is not None
        # a sentence inside a quotation still open from an earlier one keeps it open
        inside = (
            pending is not None
            and index - pending[1] < _QUOTE_RUN
            and not ANY_MARK.search(sentence.text)
        )
        if len(found) > before or not (_opens_quote(sentence.text) or asks or inside):
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
    ):
        return None
    if not re.search(r"[”\"]\W*$", sentence.text):
        # a quotation that opens here and goes on into the next sentence
        if not _opens_quote(sentence.text) or ANY_MARK.search(sentence.text, 1):
            return None
        c_start, c_end = _quote_words(text, sentence.start + 1, sentence.end)
        quoted = True
    else:
        c_start, c_end, quoted = unquote(text, sentence.start, sentence.end)
    if not quoted or c_end - c_start < 3:
        return None
    return _same_speaker_quote(text, sentence, index, previous, c_start, c_end)


def _same_speaker_quote(
    text: str, sentence: Span, index: int, speaker: Attribution, c_start: int, c_end: int
) -> Attribution:
    """``speaker``'s attribution carried to the quotation ``text[c_start:c_end]`` of
    ``sentence``."""
    content = text[c_start:c_end]
    return replace(
        speaker,
        stance=_stance(speaker.verb, content),
        start=sentence.start,
        end=sentence.end,
        content_start=c_start,
        content_end=c_end,
        elided=None,
        anaphoric=bool(_ANAPHORIC.search(content) or _PRONOUN_SUBJECT.match(content)),
        sentence=index,
        quoted=True,
        carried=True,
    )


def _quote_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The words of a quotation between ``start`` and ``end``, without the comma or stop it
    ends on."""
    c_start, c_end = trim(text, start, end)
    while c_end > c_start and text[c_end - 1] in ",.":
        c_end -= 1
    return c_start, c_end


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
    c_start, c_end = _quote_words(text, begin, stop)
    if c_end - c_start < 3 or ANY_MARK.search(text, c_start, c_end):
        return None, None
    more = _same_speaker_quote(text, sentence, index, opened, c_start, c_end)
    return more, (None if close else opened)


def _speaks_before(
    text: str, start: int, end: int, found: list[Attribution], index: int
) -> bool:
    """Whether the sentence already has a speaker before ``end``."""
    return any(a.sentence == index for a in found) or any(
        t.text in REPORTING_VERBS for t in tokens(text[start:end], start)
    )


def _trails_clause(text: str, hit: Attribution, c_start: int) -> bool:
    """The statement is the clause before its speaker, in reported speech."""
    return (
        not hit.quoted
        and hit.elided is None
        and hit.content_start == trim(text, c_start, hit.content_end)[0]
        and hit.content_end < hit.end
        and not text[hit.content_end : hit.end].strip(" ,.;").startswith(("“", '"'))
    )


def _attributions_in_sentence(
    text: str, sentence: Span, index: int, found: list[Attribution]
) -> None:
    quoted = _quote_led(text, sentence.start, sentence.end, index)
    if quoted is not None:
        kept = _finish(text, _reported_denial(text, quoted, index) or quoted)
        if kept is not None:
            found.append(kept)
        return
    for k, (c_start, c_end) in enumerate(_clauses(text, sentence)):
        hit = (
            _verb_led(text, c_start, c_end, index)
            or _according_to(text, c_start, c_end, index)
            or _statement_saying(text, c_start, c_end, index)
            or _accused_by(text, c_start, c_end, index)
        )
        if hit is None:
            continue
        if k and _trails_clause(text, hit, c_start) and not _speaks_before(
            text, sentence.start, c_start, found, index
        ):
            # "Europe has had programs for years, whereas only 25 states have started them,
            # Linnell said": a speaker at the end of the sentence said all of it
            hit = replace(hit, start=sentence.start, content_start=sentence.start)
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
