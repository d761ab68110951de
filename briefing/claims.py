"""The Key claims / Disputed block of a story: who claims what, how many independent origins
back it, which claims another party contests, and where outlets' numbers cannot all be true.

Pure: a Story in, plain data out. Every text is quoted verbatim with its article offsets.

1. attribution.find_attributions: who said what in each article (verb, stance, content span);
   speakers resolved to the story's fullest name, pronouns to the previous speaker, each
   speaker to a party (parties.party_of: country, organisation or name).
   Fragments and non-speakers ("Like I", "German", a caption glued to a name) are dropped.
2. Statements of one party and stance that say the same thing merge (TF-IDF cosine over
   stemmed content words), as do two parties' statements naming one speaker in different words
   ("University of Lancaster" / "Lancaster University"); ``origins`` counts distinct origin ids
   (wire copies once).
3. A denial is linked to the claim it contests: the assertion it points back to ("denied that
   account"); else an accusation of another party that speaks of the denier ("investigators
   say Voss broke the law" / "Voss denied any wrongdoing"); else the other party's claim
   sharing the most content with it (or, with a ``disagreement`` scorer, the one it scores as
   contradicting). A statement saying the opposite of another party's claim ("we have not
   asked them for help") contests it too. A party never disputes itself; a denial of something
   nobody claimed stays an undisputed denial.
4. figures.group_figures: numbers normalised to intervals, grouped by quantity.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .attribution import PRONOUNS, ROLE_MODIFIERS, ROLE_NOUNS, Attribution, find_attributions
from .figures import extract_figures, group_figures
from .fullnames import full_names, in_full
from .models import Claim, Dispute, FigureSet, Stance, Story
from .parties import PARTY_MODIFIERS, country_of, party_of, speaker
from .stance import wordset
from .terms import content_terms
from .text import Span, split_sentences

MERGE_SIMILARITY = 0.3
# Two parties' statements merge only when they say much the same and name one speaker in
# common (outlets naming one organisation or person in different words).
CROSS_NAME_MERGE_SIMILARITY = 0.25
DISPUTE_SIMILARITY = 0.12
CONTINUATION_SENTENCES = 3
MIN_SHARED_TERMS = 2
ANTECEDENT_WEIGHT = 0.3
CONTESTED_MERGE_SIMILARITY = 0.2
MAX_CLAIMS = 6
# A briefing shows the strongest disputes of a story, each with its strongest counters; a
# 50-article story can hold dozens, which would turn one story into pages of the PDF.
MAX_DISPUTES = 4
MAX_COUNTERS = 3

# Role modifiers that only qualify a noun ("regional", "senior"); "police" or "government"
# can be the speaker.
_ADJECTIVE_MODIFIERS = ROLE_MODIFIERS - ROLE_NOUNS - wordset(
    "police government press news security health fire border emergency intelligence state"
)

_CONTINUES = re.compile(
    r"\b(?:continues?|continuing|still|remains?|remaining|holds?|holding|not|no|never|"
    r"retain\w*|keep\w*)\b",
    re.IGNORECASE,
)


@dataclass
class _Item:
    """One attributed statement of one article, with its actor resolved."""

    attribution: Attribution
    article_index: int
    article_id: str
    origin: str
    actor: str
    party: str
    stance: Stance
    content: str
    context: str
    explicit_denial: bool = False
    anchor: _Item | None = None
    antecedent: str = ""
    continues: _Item | None = None
    """The party's own denial this statement goes on from ("operations in Kursk continue")."""
    definite: bool = False
    """The actor is a common noun the article gave with "the" ("the company said")."""


@dataclass
class _Group:
    items: list[_Item] = field(default_factory=list)

    @property
    def stance(self) -> Stance:
        return self.items[0].stance

    @property
    def party(self) -> str:
        return self.items[0].party


def _clean_actor(actor: str) -> str:
    actor = re.sub(r"^(?:the|a|an)\s+", "", actor.strip(), flags=re.IGNORECASE).strip(" ,")
    return actor[:1].upper() + actor[1:]


def _resolve_aliases(items: list[_Item]) -> None:
    """Give every mention of one speaker the story's fullest name for them, and so one party:
    'Gerasimov' and 'Valery Gerasimov' -> 'Russian Chief of Staff Valery Gerasimov'; a bare
    'the authority' -> the party of the one 'Port authority spokesperson ...' in the story."""
    named = sorted(
        {
            i.actor
            for i in items
            if len(i.actor.split()) > 1 and all(w[:1].isupper() for w in i.actor.split()[-2:])
        }
    )
    counts = Counter(i.actor for i in items)
    for item in items:
        words = item.actor.split()
        while len(words) > 1 and words[0].lower().rstrip(".") in _HONORIFICS:
            words = words[1:]  # "Professor Mallucci", "Mr. Paul": the surname decides
        if (item.actor in named and len(words) > 2) or not words[-1][:1].isupper():
            continue
        if country_of(item.actor):
            continue
        longer = [
            a for a in named if (a != item.actor and a.endswith(" " + item.actor)) or (
                len(words) == 1 and a.split()[-1] == words[0] and a != item.actor
                and len(a.split()) > len(item.actor.split())
            )
        ]
        if longer:
            item.actor = max(longer, key=lambda a: (counts[a], len(a), a))
            item.party = party_of(item.actor)
    by_name: dict[tuple[str, str], Counter[str]] = {}
    for item in items:
        if item.actor in named:
            by_name.setdefault((item.actor.split()[-1], item.party), Counter())[item.actor] += 1
    for item in items:
        forms = by_name.get((item.actor.split()[-1], item.party))
        if forms and item.actor in forms:
            item.actor = max(forms, key=lambda a: (forms[a], len(a), a))
    for item in items:
        words = item.actor.lower().split()
        if not words or not all(w in ROLE_NOUNS or w in PARTY_MODIFIERS for w in words):
            continue
        others = {
            other.party
            for other in items
            if other.actor != item.actor and words[-1] in other.actor.lower().split()
        }
        if len(others) == 1:
            item.party = others.pop()


_FEMININE = re.compile(
    r"\b(?:spokeswoman|chairwoman|congresswoman|businesswoman|woman|actress|mrs|ms|queen|"
    r"princess|duchess|mother|sister|daughter|wife|grandmother|girl|baroness|lady)\b", re.I
)
_MASCULINE = re.compile(
    r"\b(?:spokesman|chairman|congressman|businessman|man|actor|mr|king|prince|duke|father|"
    r"brother|son|husband|grandfather|boy|lord|sir)\b", re.I
)


def _other_gender(pronoun: str, actor: str) -> bool:
    """'he' cannot point back to 'spokeswoman Darian Ward', nor 'she' to 'Mr. Paul'."""
    if pronoun == "he":
        return _FEMININE.search(actor) is not None
    if pronoun == "she":
        return _MASCULINE.search(actor) is not None
    return False


def _introduction(text: str, item: _Item) -> str:
    """The words that introduce ``item``'s speaker ("Darian Ward, a spokeswoman for ...")."""
    att = item.attribution
    if att.content_start > att.start + 2:
        return f"{item.actor} {text[att.start : att.content_start]}"
    return f"{item.actor} {text[att.content_end : att.end]}"


_PERSON_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+([A-Z][a-z][\w’'-]+)\b")


def _someone_else_named(text: str, previous: _Item, att: Attribution) -> bool:
    """Whether another person is named between the previous speaker and 'he said' ("Dale
    Howard was waiting ... he said"): "he" then points back to them, not to the speaker."""
    between = text[previous.attribution.end : att.start]
    if any(m.group(1) not in previous.actor for m in _PERSON_NAME.finditer(between)):
        return True
    # "... the Queen spoke to the crowds. '...,' she said": someone of the pronoun's gender
    # the previous speaker is not described as
    marker = {"she": _FEMININE, "he": _MASCULINE}.get(att.actor.lower())
    if (
        marker is not None
        and any(m.group(0)[0].isupper() for m in marker.finditer(between))
        and not marker.search(_introduction(text, previous))
    ):
        return True  # a title: "the Queen", "Mrs Hale"
    return _own_subject(text, previous, att)


_TITLES = re.compile(
    r"\b[Tt]he\s+(?:(?:new|late|former|young|old)\s+)?(Queen|King|Duchess|Duke|Princess|Prince)"
    r"\b(?!['’])"
)


def _titled_person(text: str, previous: _Item | None, att: Attribution) -> str | None:
    """'... the Queen spoke to the crowds. "...," she said': the one titled person of the
    pronoun's gender named since the previous speaker (or in the two sentences before, when
    nobody spoke yet), when that speaker is not one."""
    if previous is not None:
        between = text[previous.attribution.end : att.start]
    else:
        ends = list(_SENTENCE_END.finditer(text, 0, att.start))
        between = text[ends[-2].end() if len(ends) >= 2 else 0 : att.start]
    marker = {"she": _FEMININE, "he": _MASCULINE}.get(att.actor.lower())
    titles = {m.group(1) for m in _TITLES.finditer(between)}
    if marker is None or len(titles) != 1 or (
        previous is not None and marker.search(_introduction(text, previous))
    ):
        return None
    title = titles.pop()
    return f"The {title}" if marker.fullmatch(title) else None


def _own_subject(text: str, previous: _Item, att: Attribution) -> bool:
    """Whether the pronoun's own sentence opens with another name as its subject: "Sorvino was
    prompted to speak after she alleged ...", "Parker and Stone had not asked - and, they
    said, ..."."""
    said_by = re.search(rf"\b{re.escape(att.actor)}\b", text[att.start : att.end])
    at = att.start + said_by.start() if said_by else att.start
    if att.content_start < at and att.actor.lower() != "they":
        return False  # "Almario was the prime suspect, he said": the name is what is said
    ends = list(_SENTENCE_END.finditer(text, 0, at))
    sentence_start = ends[-1].end() if ends else 0
    subject = re.match(r"\s*([A-Z][\w’'-]+)\s+[a-z]", text[sentence_start:at])
    return (
        subject is not None
        and subject.group(1) not in previous.actor
        and subject.group(1).lower() not in _SENTENCE_OPENERS
        and country_of(subject.group(1)) is None
    )


_SENTENCE_END = re.compile(r"[.!?][)\"”’]*\s+|\n")
_SENTENCE_OPENERS = wordset(
    """the a an he she it they we i you his her its their our this that these those there
    but and or so yet then when while after before as if in on at by for with from of to
    asked speaking later earlier meanwhile still however also"""
)


def _personal(actor: str, text: str) -> bool:
    """Whether "he" or "she" can point back to ``actor``: a first and last name ("Chair
    Margaret Hollis"), or a surname the article also gives with a first name or title
    ("Sorvino" after "Mira Sorvino"); not an organisation ("Grainhouse")."""
    words = actor.split()
    if len(words) >= 2:
        return all(w[:1].isupper() for w in words[-2:])
    # (a nickname may stand between: 'R “Ray” Wang')
    return bool(words) and re.search(
        rf"\b[A-Z][\w’'-]*\.?\s+(?:[“\"‘][\w .-]+[”\"’]\s+)?{re.escape(words[0])}\b", text
    ) is not None


def _accused_person(previous: _Item | None, att: Attribution, text: str) -> str | None:
    """The person a denying "he"/"she" points back to when the statement before is an
    accusation about them by someone else: the full name it gives them."""
    if (
        previous is None
        or att.stance != "denies"
        or att.actor.lower() not in {"he", "she"}
        or _personal(previous.actor, text)
        or att.sentence - previous.attribution.sentence != 1
    ):
        return None
    names = [m.group(0) for m in _FULL_NAME.finditer(previous.content)]
    if len(set(names)) != 1 or not _ACCUSING.search(
        f"{previous.attribution.verb} {previous.content}"
    ):
        return None
    return names[0]


_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w’'-]+\b")


def _items_for_story(story: Story) -> list[_Item]:
    items: list[_Item] = []
    for index, article in enumerate(story.articles):
        text = article.text
        sentences = split_sentences(text)
        previous: _Item | None = None
        for att in find_attributions(text, outlet=article.source or "the outlet"):
            actor = att.actor if att.outlet_voice else _clean_actor(att.actor)
            if not att.outlet_voice:
                named = speaker(actor, _ADJECTIVE_MODIFIERS)
                if named is None:
                    continue
                actor = _clean_actor(named)
            if att.pronoun or actor.lower() in PRONOUNS or actor.lower() == "statement":
                accused = _accused_person(previous, att, text)
                titled = _titled_person(text, previous, att)
                if accused is not None:
                    # "Police say Orrin Vale broke in. He denied the allegations."
                    actor = accused
                elif titled is not None:
                    actor = titled  # "... the Queen spoke to the crowds. '...,' she said"
                elif previous is None or (
                    att.actor.lower() in {"he", "she"} and not _personal(previous.actor, text)
                ) or _other_gender(att.actor.lower(), _introduction(text, previous)) or (
                    att.actor.lower() in {"he", "she"} and _someone_else_named(text, previous, att)
                ) or (att.actor.lower() == "they" and _own_subject(text, previous, att)):
                    continue
                else:
                    actor = previous.actor
            content = att.content(text)
            context = content
            antecedent = _antecedent(text, sentences, att, article.title) if att.anaphoric else ""
            item = _Item(
                attribution=att,
                article_index=index,
                article_id=article.id,
                origin=story.origins.get(article.id, article.id),
                actor=actor,
                party=f"outlet:{actor}" if att.outlet_voice else party_of(actor),
                stance=att.stance,
                content=content,
                context=context,
                explicit_denial=att.stance == "denies",
                antecedent=antecedent,
                definite=att.actor.islower() and re.search(
                    rf"\bthe\s+{re.escape(att.actor)}\b", text[att.start : att.end],
                    re.IGNORECASE,
                ) is not None,
            )
            if att.anaphoric:
                item.anchor = _anchor(items, item)
            elif item.explicit_denial:
                item.anchor = _same_words(items, item) or _answered(items, item)
            items.append(item)
            previous = item
    _resolve_aliases(items)
    _surnames_in_full(items, full_names(a.text for a in story.articles))
    _join_rebuttals(items)
    _continue_denials(items)
    return items


def _surnames_in_full(items: list[_Item], names: dict[str, str]) -> None:
    """'Morgan told POLITICO' is shown as 'Piers Morgan' when the story names him so."""
    for item in items:
        full = in_full(item.actor, names)
        if full != item.actor:
            item.actor = full
            item.party = party_of(full)


def _join_rebuttals(items: list[_Item]) -> None:
    """Back-to-back denials by one party in one article ("dismissed the assertions as
    propaganda. A representative said reports of defeat are misleading") answer the same claim:
    they share their context and what they point back to."""
    for first, second in itertools.pairwise(items):
        if (
            first.explicit_denial
            and second.explicit_denial
            and first.article_index == second.article_index
            and first.party == second.party
            and second.attribution.sentence - first.attribution.sentence <= 1
        ):
            first.context = second.context = f"{first.context} {second.context}"
            first.antecedent = second.antecedent = f"{first.antecedent} {second.antecedent}"
            first.anchor = second.anchor = first.anchor or second.anchor


def _antecedent(text: str, sentences: Sequence[Span], att: Attribution, title: str) -> str:
    """What "this claim" / "the assertions" points back to: the clause before it in the same
    sentence, else the sentence before (the title for the first sentence)."""
    sentence = sentences[att.sentence]
    earlier_clause = text[sentence.start : att.start]
    if len(content_terms(earlier_clause)) >= 4:
        return earlier_clause
    return sentences[att.sentence - 1].text if att.sentence > 0 else title


def _anchor(items: Sequence[_Item], denial: _Item) -> _Item | None:
    """The statement an anaphoric denial answers: the nearest earlier assertion of another
    party in the same article, at most two sentences back."""
    for earlier in reversed(items):
        if earlier.article_index != denial.article_index:
            break
        if denial.attribution.sentence - earlier.attribution.sentence > 2:
            break
        if earlier.stance == "asserts" and earlier.party != denial.party:
            return earlier
    return None


def _same_words(items: Sequence[_Item], denial: _Item) -> _Item | None:
    """'Trump asserted that "Crimea will stay with Russia," a statement rejected by
    Zelenskyy': the denial's words are the very statement it rejects."""
    for earlier in reversed(items):
        if earlier.article_index != denial.article_index:
            return None
        if (
            earlier.attribution.content_start == denial.attribution.content_start
            and earlier.attribution.content_end == denial.attribution.content_end
            and earlier.stance == "asserts"
            and earlier.party != denial.party
        ):
            return earlier
    return None


def _answered(items: Sequence[_Item], denial: _Item) -> _Item | None:
    """The statement a denial answers right after it: another party's assertion in the
    sentence before, in the same article, speaking of the same thing ('"... somebody wearing
    a monkey's head," Sherak said. (The artist's reps disputed that he ever wore a monkey
    mask.)')."""
    if not items:
        return None
    earlier = items[-1]
    if (
        earlier.article_index != denial.article_index
        or denial.attribution.sentence - earlier.attribution.sentence != 1
        or earlier.stance != "asserts"
        or earlier.party == denial.party
    ):
        return None
    shared = _predicate_terms(earlier.content) & _predicate_terms(denial.content)
    return earlier if shared else None


def _continue_denials(items: list[_Item]) -> None:
    """A party's statements right after its own denial ("operations in Kursk continue") are
    part of that denial and contest the same claim."""
    for k, item in enumerate(items):
        if not item.explicit_denial:
            continue
        last_sentence = item.attribution.sentence
        for follower in items[k + 1 :]:
            if follower.article_index != item.article_index:
                break
            if follower.attribution.sentence - last_sentence > CONTINUATION_SENTENCES:
                break
            if follower.party != item.party or follower.stance == "denies":
                continue
            if not _CONTINUES.search(follower.content):
                continue
            follower.stance = "denies"
            follower.context = f"{item.context} {follower.content}"
            follower.antecedent = item.antecedent
            follower.continues = item
            last_sentence = follower.attribution.sentence


class _Similarity:
    """TF-IDF cosine over stemmed content words, fitted on one story's statements."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._vectorizer = TfidfVectorizer(analyzer=content_terms, norm="l2")
        docs = [t for t in texts if content_terms(t)] or ["empty"]
        self._vectorizer.fit(docs)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._vectorizer.transform(texts).toarray())


def _merge(items: list[_Item], sim: _Similarity) -> list[_Group]:
    """Statements of one party with one stance that say the same thing become one claim
    (single pass, each joining the closest group centroid above MERGE_SIMILARITY)."""
    vectors = sim.matrix([i.content for i in items])
    groups: list[_Group] = []
    members: list[list[int]] = []
    centroids: list[np.ndarray] = []
    for k, (item, vec) in enumerate(zip(items, vectors, strict=True)):
        best, best_score = -1, 0.0
        for g, group in enumerate(groups):
            if group.stance != item.stance:
                continue
            score = float(centroids[g] @ vec)
            if group.party == item.party:
                if score < MERGE_SIMILARITY:
                    continue
            elif score < CROSS_NAME_MERGE_SIMILARITY or not any(
                _same_speaker(i.actor, item.actor) for i in group.items
            ):
                continue
            if score >= best_score:
                best, best_score = g, score
        if best < 0:
            groups.append(_Group([item]))
            members.append([k])
            centroids.append(vec)
        else:
            groups[best].items.append(item)
            members[best].append(k)
            mean = np.mean(vectors[members[best]], axis=0)
            centroids[best] = mean / (float(np.linalg.norm(mean)) or 1.0)
    return groups


_HONORIFICS = wordset("mr mrs ms dr prof professor sen rep gov")
_GENERIC_NAME_WORDS = wordset(
    """university college school hospital institute department ministry office center centre
    national state federal united new north south east west"""
)


def _name_tokens(actor: str) -> set[str]:
    return {
        w.lower()
        for w in re.findall(r"[\w’'.-]*\w", actor)
        if w[:1].isupper()
        and w.lower() not in ROLE_NOUNS | ROLE_MODIFIERS | _TITLE_WORDS | _GENERIC_NAME_WORDS
    }


def _same_speaker(a: str, b: str) -> bool:
    """'Lancaster University' and 'University of Lancaster', 'Head of King's College
    London's department of chemistry' and 'King's College London': one name in common."""
    return bool(_name_tokens(a) & _name_tokens(b))


def _targets_party(item: _Item) -> set[str]:
    """Parties a denial names as the source of what it rejects ("Russia's claims")."""
    named = re.findall(
        r"([A-Z][\w.-]*)['’]s\s+(?:claims?|statements?|assertions?|reports?)",
        f"{item.antecedent} {item.context}",
    )
    return {party_of(n) for n in named}


DisagreementScorer = Callable[[str, str], float]
"""``scorer(claim, text)``: how strongly ``text`` contradicts ``claim``, from 0 to 1 (a learned
model can be plugged in; without one, shared content decides, see ``_link_disputes``)."""
DISAGREEMENT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Disagreement:
    """A disagreement scorer with the cut at or above which its score reads as "contradicts";
    the cut may depend on the text scored (one sentence or more)."""

    score: DisagreementScorer
    threshold: Callable[[str], float] = lambda _text: DISAGREEMENT_THRESHOLD

    def contradicts(self, claim: str, text: str) -> float | None:
        """The score when it reaches the cut, else None."""
        value = self.score(claim, text)
        return value if value >= self.threshold(text) else None


def learned_disagreement() -> Disagreement:
    """The shipped learned scorer (briefing.learned_stance) with its own cuts."""
    from . import learned_stance

    def threshold(text: str) -> float:
        one = len(split_sentences(text)) <= 1
        return learned_stance.disagreement_threshold(single_sentence=one)

    return Disagreement(learned_stance.disagreement, threshold)


def _as_disagreement(scorer: Disagreement | DisagreementScorer | None) -> Disagreement | None:
    if scorer is None or isinstance(scorer, Disagreement):
        return scorer
    return Disagreement(scorer)

_TITLE_WORDS = wordset(
    """mr mr. mrs mrs. ms ms. dr dr. sen sen. rep rep. gov gov. gen gen. prime vice the a an
    former acting interim"""
)


_ACCUSING = re.compile(
    r"\b(?:accus\w*|alleg\w*|charg\w*|abus\w*|harass\w*|assault\w*|broke|violat\w*|"
    r"stole|fraud\w*|illegal\w*|guilty|wrongdoing|arrested|misconduct)\b",
    re.IGNORECASE,
)
_ACCUSATION_WEIGHT = 1.0


def _accused(item: _Item, claim_text: str) -> bool:
    """Whether ``claim_text`` speaks of the denier: their surname or organisation name
    ("investigators say councillor Ada Voss broke the law" / "Voss denied any wrongdoing"), or
    the common noun they were given ("prosecutors said the mayor took bribes" / "the mayor
    denied the allegations")."""
    words = re.findall(r"[\w’'.-]*\w", item.actor)
    names = [
        w for w in words
        if w[:1].isupper()
        and w.lower() not in ROLE_NOUNS | ROLE_MODIFIERS | _TITLE_WORDS
        and country_of(w) is None
    ]
    if names:
        keys = {names[-1], names[0]} if len(names) <= 2 else {names[-1]}
        return any(re.search(rf"\b{re.escape(k)}\b", claim_text) for k in keys)
    phrase = " ".join(w.lower() for w in words if w.lower() not in _TITLE_WORDS)
    return bool(phrase) and re.search(
        rf"\b(?:the|a|an|its|their)\s+{re.escape(phrase)}\b", claim_text, re.IGNORECASE
    ) is not None


def _link_disputes(
    groups: list[_Group], sim: _Similarity, disagreement: Disagreement | None = None
) -> dict[int, list[int]]:
    """Map asserted group index -> denial group indexes contesting it. A denial contests, in
    this order: the statement it points back to ("denied that account"); else a claim of
    another party that speaks of the denier (an accusation the accused denies); else the other
    party's claim it shares the most content with (or, with ``disagreement``, the one the
    scorer finds it contradicts most, at the scorer's cut or above)."""
    asserted = [g for g, group in enumerate(groups) if group.stance == "asserts"]
    if not asserted:
        return {}
    members = [(g, item) for g in asserted for item in groups[g].items]
    member_vecs = sim.matrix([item.content for _, item in members])
    contested: dict[int, list[int]] = {}
    group_of = {id(item): g for g, group in enumerate(groups) for item in group.items}
    for d, group in enumerate(groups):
        if group.stance != "denies":
            continue
        anchored = [
            group_of[id(i.anchor)]
            for i in group.items
            if i.anchor is not None and groups[group_of[id(i.anchor)]].party != group.party
        ]
        if anchored:
            contested.setdefault(Counter(anchored).most_common(1)[0][0], []).append(d)
            continue
        context = " ".join(i.context for i in group.items)
        antecedent = " ".join(i.antecedent for i in group.items)
        vec, antecedent_vec = sim.matrix([context, antecedent])
        named = set().union(*(_targets_party(i) for i in group.items))
        context_terms = set(content_terms(f"{context} {antecedent}"))
        # A denial that points back ("rejected this claim") is placed by what precedes it; one
        # that says what it says must itself share a word with the claim it contests (its
        # context may hold the rebuttals next to it, which answer other claims).
        own_terms = (
            None if any(i.attribution.anaphoric for i in group.items)
            else set(content_terms(" ".join(i.content for i in group.items)))
        )
        best, best_score = -1, DISPUTE_SIMILARITY if disagreement is None else 0.0
        accused, accused_score = -1, -1.0
        deniers = [i for i in group.items if not i.attribution.outlet_voice]
        for row, (g, member) in enumerate(members):
            claim_party = groups[g].party
            if claim_party == group.party:
                continue
            if named and claim_party not in named:
                continue
            if _answers_later(group.items, member):
                continue
            score = float(member_vecs[row] @ vec) + ANTECEDENT_WEIGHT * float(
                member_vecs[row] @ antecedent_vec
            )
            if any(_accused(i, member.content) for i in deniers):
                score += _ACCUSATION_WEIGHT * bool(
                    _ACCUSING.search(f"{member.attribution.verb} {member.content}")
                )
                if score > accused_score:
                    accused, accused_score = g, score
                continue
            if disagreement is not None:
                found = disagreement.contradicts(
                    member.content, f"{antecedent} {context}".strip()
                )
                if found is not None and found > best_score:
                    best, best_score = g, found
                continue
            member_terms = set(content_terms(member.content))
            if len(context_terms & member_terms) < MIN_SHARED_TERMS:
                continue
            if own_terms is not None and not own_terms & member_terms:
                continue
            if score > best_score:
                best, best_score = g, score
        if accused >= 0:
            best = accused
        if best >= 0:
            contested.setdefault(best, []).append(d)
    _link_continuations(groups, contested, group_of)
    _link_contradictions(groups, asserted, sim, contested, disagreement)
    return contested


def _link_continuations(
    groups: list[_Group], contested: dict[int, list[int]], group_of: dict[int, int]
) -> None:
    """A denial that only goes on from its party's earlier denial ("... their forces continue
    to operate in Kursk") contests what that denial contests, when nothing else placed it."""
    placed = {d for ds in contested.values() for d in ds}
    for d, group in enumerate(groups):
        if group.stance != "denies" or d in placed or not group.items:
            continue
        starts = [i.continues for i in group.items]
        if any(s is None for s in starts):
            continue
        targets = {
            g for g, ds in contested.items()
            for s in starts if s is not None and group_of.get(id(s)) in ds
        }
        if len(targets) == 1:
            contested[targets.pop()].append(d)


_NEGATION = re.compile(r"\b(?:not|never|no longer|nobody|nothing)\b|n['’]t\b", re.IGNORECASE)
CONTRADICTION_SIMILARITY = 0.2


def _answers_later(denials: Sequence[_Item], claim: _Item) -> bool:
    """A denial answers what was said before it: a claim later in the same article, after
    every denial of the group there, is not what it contests."""
    same = [d for d in denials if d.article_index == claim.article_index]
    return bool(same) and all(d.attribution.sentence < claim.attribution.sentence for d in same)


_NEGATION_WINDOW = 2


def _negated_terms(text: str) -> set[str]:
    """Content stems said with a negation right before them ("did not show", "never
    abandoned", "wasn't")."""
    tokens = re.findall(r"[\w’']+", text.lower())
    found: set[str] = set()
    for k, token in enumerate(tokens):
        window = tokens[max(0, k - _NEGATION_WINDOW) : k]
        if any(_NEGATION.fullmatch(w) or re.search(r"n['’]t$", w) for w in window):
            found.update(content_terms(token))
        if _NEGATION.fullmatch(token) or re.search(r"n['’]t$", token):
            # "did not show a lack of remorse": the first content word after the negation
            for later in tokens[k + 1 : k + 1 + 2 * _NEGATION_WINDOW]:
                terms = content_terms(later)
                if terms:
                    found.update(terms)
                    break
    return found


def _predicate_terms(text: str) -> set[str]:
    """Content stems of the lower-case words: what is said of the names, not the names."""
    return set(content_terms(" ".join(w for w in text.split() if not w[:1].isupper())))


def _link_contradictions(
    groups: list[_Group],
    asserted: list[int],
    sim: _Similarity,
    contested: dict[int, list[int]],
    disagreement: Disagreement | None,
) -> None:
    """A party saying the opposite of another's claim without a denial verb ("investigators
    asked the agency for help" / "we have not asked them for help"): the negated statement
    contests the claim when the two share at least MIN_SHARED_TERMS content words and are
    close (or the scorer finds them contradicting)."""
    negated = [g for g in asserted if any(_NEGATION.search(i.content) for i in groups[g].items)]
    if not negated:
        return
    counters = {d for ds in contested.values() for d in ds}
    texts = {g: " ".join(i.content for i in groups[g].items) for g in asserted}
    vectors = dict(zip(asserted, sim.matrix([texts[g] for g in asserted]), strict=True))
    for n in negated:
        if n in counters or n in contested:
            continue
        n_terms = _predicate_terms(texts[n])
        n_negated = _negated_terms(texts[n])
        best, best_score = -1, 0.0
        for g in asserted:
            if g == n or groups[g].party == groups[n].party:
                continue
            shared = n_terms & _predicate_terms(texts[g])
            if len(shared) < MIN_SHARED_TERMS:
                continue
            if not (shared & n_negated) - _negated_terms(texts[g]):
                continue  # no word said with "not" on one side and without it on the other
            # the learned scorer reads denial words; a bare "not" opposite a claim is the
            # shared-content test's, so either one linking is enough
            score = float(vectors[g] @ vectors[n])
            found = score if score >= CONTRADICTION_SIMILARITY else None
            if found is None and disagreement is not None:
                found = disagreement.contradicts(texts[g], texts[n])
            if found is not None and found > best_score:
                best, best_score = g, found
        if best >= 0 and n not in contested.get(best, []):
            contested.setdefault(best, []).append(n)


def _speaks_for(speaker: str, body: str) -> bool:
    """Whether ``speaker`` is a role holder of ``body``: 'Port authority spokesperson Maria
    Olsen' of 'Port Calder Harbour Authority', 'Brightwater chief executive Tomas Reyne' of
    'Brightwater Logistics'."""
    words, of = speaker.casefold().split(), set(body.casefold().split())
    return (
        len(words) > len(of)
        and bool(of & set(words))
        and any(w in ROLE_NOUNS and w not in of for w in words)
    )


def _readable_actor(group: _Group) -> str:
    """The group's speakers as one phrase: an organisation that also speaks through a named
    role holder is left to them, and the rest are joined with "and"."""
    actors: list[str] = []
    for item in group.items:
        if item.actor not in actors and not any(item.actor in a for a in actors):
            actors = [a for a in actors if a not in item.actor]
            actors.append(item.actor)
    actors = [a for a in actors if not any(_speaks_for(b, a) for b in actors if b != a)][:3]
    definite = {
        i.actor for i in group.items if i.definite and i.actor.lower() == i.attribution.actor
    }
    shown = [
        f"the {a[:1].lower()}{a[1:]}" if a in definite
        else a[:1].lower() + a[1:] if k and a.split()[0].lower() in ROLE_NOUNS | ROLE_MODIFIERS
        else a
        for k, a in enumerate(actors)
    ]
    if shown[0].startswith("the "):
        shown[0] = "T" + shown[0][1:]
    *first, last = shown
    return f"{', '.join(first)} and {last}" if first else last


def _representative(item: _Item) -> tuple[bool, int, int]:
    """The statement a claim shows: the earliest, unless it only points back ("denied the
    charges against her") and another says it in the speaker's own words or in full."""
    att = item.attribution
    return (att.anaphoric and not att.quoted, item.article_index, att.start)


def _to_claim(group: _Group, disputed: bool) -> Claim:
    first = min(group.items, key=_representative)
    article_ids = [first.article_id]
    for item in sorted(group.items, key=lambda i: i.article_index):
        if item.article_id not in article_ids:
            article_ids.append(item.article_id)
    verb = first.attribution.verb
    return Claim(
        actor=_readable_actor(group),
        text=first.content,
        stance=group.stance,
        article_ids=tuple(article_ids),
        origins=len({i.origin for i in group.items}),
        verb="said" if verb == "read" else verb,
        disputed=disputed,
        start=first.attribution.content_start,
        end=first.attribution.content_end,
        quoted=first.attribution.quoted,
    )


def _merge_contested(
    groups: list[_Group], contested: dict[int, list[int]], sim: _Similarity
) -> None:
    """One party's contested claims that say much the same thing ("fully recaptured Kursk",
    "the operation to liberate Kursk Oblast is complete") become one claim with all its
    counters, so the reader sees the dispute once."""
    keys = sorted(contested)
    vectors = {g: sim.matrix([i.content for i in groups[g].items]) for g in keys}
    for a_pos, a in enumerate(keys):
        if a not in contested:
            continue
        for b in keys[a_pos + 1 :]:
            if b not in contested or groups[a].party != groups[b].party:
                continue
            if float(np.max(vectors[a] @ vectors[b].T)) < CONTESTED_MERGE_SIMILARITY:
                continue
            groups[a].items.extend(groups[b].items)
            groups[b].items = []
            vectors[a] = np.vstack([vectors[a], vectors[b]])
            contested[a].extend(d for d in contested.pop(b) if d not in contested[a])


def _strongest(
    groups: list[_Group], contested: dict[int, list[int]], max_disputes: int, max_counters: int
) -> dict[int, list[int]]:
    """The ``max_disputes`` disputes whose claims have the most origins, each with its
    ``max_counters`` best-backed counters (ties: earliest group first)."""

    def rank(g: int) -> tuple[int, int]:
        return (-len({i.origin for i in groups[g].items}), g)

    kept = sorted((g for g, ds in contested.items() if ds), key=rank)[:max_disputes]
    return {g: sorted(contested[g], key=rank)[:max_counters] for g in kept}


def _bare_denial(group: _Group) -> bool:
    """A denial whose words name nothing without the claim it answers."""
    return group.stance == "denies" and all(
        len(re.findall(r"\w+(?:['’]\w+)?", i.content)) < 3 for i in group.items
    )


def analyse_claims(
    story: Story,
    max_claims: int = MAX_CLAIMS,
    disagreement: Disagreement | DisagreementScorer | None = None,
    max_disputes: int = MAX_DISPUTES,
    max_counters: int = MAX_COUNTERS,
) -> tuple[tuple[Claim, ...], tuple[Dispute, ...]]:
    """Attributed claims of a story, merged across articles, and the disputes between them
    (``disagreement``: an optional scorer for linking a denial to the claim it contests).
    Shown: every side of the ``max_disputes`` strongest disputes, then up to ``max_claims``
    other claims."""
    items = _items_for_story(story)
    if not items:
        return (), ()
    sim = _Similarity([i.context for i in items])
    groups = _merge(items, sim)
    contested = _link_disputes(groups, sim, _as_disagreement(disagreement))
    _merge_contested(groups, contested, sim)
    contested = _strongest(groups, contested, max_disputes, max_counters)
    counters = {d for ds in contested.values() for d in ds}

    def priority(g: int) -> tuple[int, int, int]:
        group = groups[g]
        first = min((i.article_index, i.attribution.start) for i in group.items)
        origins = len({i.origin for i in group.items})
        flagged = 0 if g in contested else 1 if g in counters else 2
        return (flagged, -origins, first[0] * 10**7 + first[1])

    order = sorted((g for g in range(len(groups)) if groups[g].items), key=priority)
    keep = [g for g in order if g in contested or g in counters]
    # An outlet's own verdict is shown only against the claim it rejects, never as a claim;
    # so is a denial that only points back ("denied the claims", "saying it's untrue").
    keep += [
        g for g in order
        if g not in keep
        and not groups[g].party.startswith("outlet:")
        and not _bare_denial(groups[g])
    ][:max_claims]
    keep.sort(key=priority)
    index_of = {g: k for k, g in enumerate(keep)}
    claims = tuple(_to_claim(groups[g], disputed=g in contested) for g in keep)
    disputes = tuple(
        Dispute(claim=index_of[g], counter=tuple(sorted(index_of[d] for d in ds)), kind="denial")
        for g, ds in sorted(contested.items(), key=lambda kv: index_of[kv[0]])
    )
    return claims, disputes


def denial_statements(text: str, *, attributed_only: bool = True) -> list[str]:
    """The denials in an article, each with the sentence before it when it points back ("the
    claim", "it"). With ``attributed_only`` False, denials in the outlet's own voice count too
    (what analyse_story uses)."""
    sentences = split_sentences(text)
    denials: list[str] = []
    for att in find_attributions(text, outlet="" if attributed_only else "outlet"):
        if att.stance != "denies":
            continue
        content = att.content(text)
        if att.anaphoric and att.sentence > 0:
            content = f"{sentences[att.sentence - 1].text} {content}"
        denials.append(content)
    return denials


def contests(claim: str, denials: Sequence[str]) -> bool:
    """True when one of ``denials`` (see :func:`denial_statements`) shares enough content with
    ``claim`` to be read as contesting it: the test analyse_story links denials with."""
    claim_terms = set(content_terms(claim))
    return len(claim_terms) >= MIN_SHARED_TERMS and any(
        len(claim_terms & set(content_terms(d))) >= MIN_SHARED_TERMS for d in denials
    )


def analyse_figures(story: Story) -> tuple[FigureSet, ...]:
    figures = []
    for article in story.articles:
        origin = story.origins.get(article.id, article.id)
        figures.extend(extract_figures(article, origin))
    return group_figures(figures)


def analyse_story(
    story: Story, disagreement: Disagreement | DisagreementScorer | None = None
) -> tuple[tuple[Claim, ...], tuple[Dispute, ...], tuple[FigureSet, ...]]:
    """Claims (merged, with independent-origin counts), disputes and figure groups of a story.
    ``disagreement`` replaces the shared-content test that links a denial to the claim it
    contests: a :class:`Disagreement` (the briefing uses :func:`learned_disagreement`), or a
    plain ``scorer(claim, text) -> float`` read as contradicting at 0.5 or above."""
    claims, disputes = analyse_claims(story, disagreement=disagreement)
    return claims, disputes, analyse_figures(story)



