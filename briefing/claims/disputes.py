"""Which statement contests which: a denial linked to the claim it answers, an accusation to the
accused party's denial, a statement saying the opposite of another party's claim; the learned
disagreement scorer plugs in here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..terms import content_terms
from ..text import split_sentences
from .actors import DOCUMENTS, ROLE_MODIFIERS, ROLE_NOUNS
from .attribution import find_attributions
from .items import Group, Item, Similarity
from .parties import country_of, party_of
from .stance import wordset

DISPUTE_SIMILARITY = 0.12
MIN_SHARED_TERMS = 2
ANTECEDENT_WEIGHT = 0.3


def _targets_party(item: Item) -> set[str]:
    """Parties a denial names as the source of what it rejects ("Russia's claims")."""
    named = re.findall(
        r"([A-Z][\w.-]*)['’]s\s+(?:claims?|statements?|assertions?|reports?)",
        f"{item.antecedent} {item.context}",
    )
    return {party_of(n) for n in named}


_ANSWERED_DOCUMENT = re.compile(
    r"\b(?:to|denied|disputed|rejected|dismissed|slammed|contested)\s+the\s+([a-z]+)\b"
)


def _targets_document(item: Item, parties: set[str]) -> set[str]:
    """The document a pointing-back denial answers, when it speaks as a party of the story:
    "responded to the obituary, saying it's untrue" answers what "the obituary" says."""
    if not item.attribution.anaphoric:
        return set()
    nouns = set(_ANSWERED_DOCUMENT.findall(item.context)) | {item.attribution.answers}
    return {party_of(n) for n in nouns & DOCUMENTS} & parties


DisagreementScorer = Callable[[str, str], float]
"""``scorer(claim, text)``: how strongly ``text`` contradicts ``claim``, from 0 to 1 (a learned
model can be plugged in; without one, shared content decides, see ``link_disputes``)."""
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
    """The shipped learned scorer (briefing.claims.learned_stance) with its own cuts."""
    from . import learned_stance

    def threshold(text: str) -> float:
        one = len(split_sentences(text)) <= 1
        return learned_stance.disagreement_threshold(single_sentence=one)

    return Disagreement(learned_stance.disagreement, threshold)


def as_disagreement(scorer: Disagreement | DisagreementScorer | None) -> Disagreement | None:
    if scorer is None or isinstance(scorer, Disagreement):
        return scorer
    return Disagreement(scorer)

TITLE_WORDS = wordset(
    """mr mr. mrs mrs. ms ms. dr dr. sen sen. rep rep. gov gov. gen gen. prime vice the a an
    former acting interim"""
)


ACCUSING = re.compile(
    r"\b(?:accus\w*|alleg\w*|charg\w*|abus\w*|harass\w*|assault\w*|broke|violat\w*|"
    r"stole|fraud\w*|illegal\w*|guilty|wrongdoing|arrested|misconduct|brib\w*|struck|hit|"
    r"beat|attack\w*|harm\w*|kill\w*|murder\w*|rap(?:e|ed)|embezzl\w*|kidnap\w*|lied|"
    r"cheat\w*|threaten\w*|defraud\w*|plagiari\w*|forg(?:e|ed))\b",
    re.IGNORECASE,
)


def _accused(item: Item, claim_text: str) -> bool:
    """Whether ``claim_text`` speaks of the denier: their surname or organisation name
    ("investigators say councillor Ada Voss broke the law" / "Voss denied any wrongdoing"), or
    the common noun they were given ("prosecutors said the mayor took bribes" / "the mayor
    denied the allegations")."""
    words = re.findall(r"[\w’'.-]*\w", item.actor)
    names = [
        w for w in words
        if w[:1].isupper()
        and w.lower() not in ROLE_NOUNS | ROLE_MODIFIERS | TITLE_WORDS
        and country_of(w) is None
    ]
    if names:
        keys = {names[-1], names[0]} if len(names) <= 2 else {names[-1]}
        return any(_names_denier(k, names, claim_text) for k in keys)
    phrase = " ".join(w.lower() for w in words if w.lower() not in TITLE_WORDS)
    return bool(phrase) and re.search(
        rf"\b(?:the|a|an|its|their)\s+{re.escape(phrase)}\b", claim_text, re.IGNORECASE
    ) is not None


def _names_denier(key: str, names: list[str], text: str) -> bool:
    """``key`` (a name of the denier) stands in ``text`` for the denier, not for a namesake:
    "June Miller" is not "Robert Miller"."""
    for m in re.finditer(rf"\b{re.escape(key)}\b", text):
        if len(names) < 2:
            return True  # a denier named by surname alone may be any of that name
        before = re.search(r"([\w’'.-]+)\s+$", text[: m.start()])
        word = before.group(1) if before else ""
        if not word[:1].isupper() or word in names or word.lower() in TITLE_WORDS:
            return True
    return False


def _shares_more_than_names(
    denial_terms: set[str], claim_text: str, deniers: Sequence[Item]
) -> bool:
    """Whether a claim about the denier shares with the denial a word that is not a name of
    theirs ("would leave the club in May" / "rumours Dorrin has flatly denied" of leaving the
    club), so the denial answers that claim."""
    names = set().union(*(content_terms(i.actor) for i in deniers))
    return bool((denial_terms & set(content_terms(claim_text))) - names)


def link_disputes(
    groups: list[Group], sim: Similarity, disagreement: Disagreement | None = None
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
    parties = {groups[g].party for g in asserted}
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
        answered = set().union(*(_targets_document(i, parties) for i in group.items))
        named |= answered
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
        document, document_score = -1, -1.0
        deniers = [i for i in group.items if not i.attribution.outlet_voice]
        for row, (g, member) in enumerate(members):
            claim_party = groups[g].party
            if claim_party == group.party:
                continue
            if named and claim_party not in named:
                continue
            if _answers_later(group.items, member):
                continue
            if any(_accused(i, member.actor) for i in deniers):
                continue  # "Trump's lawyers": the denier's own side
            score = float(member_vecs[row] @ vec) + ANTECEDENT_WEIGHT * float(
                member_vecs[row] @ antecedent_vec
            )
            if any(_accused(i, member.content) for i in deniers):
                # a claim that speaks of the denier: an accusation they answer, or else
                # nothing their denial contests ("Reyne referred to board approval")
                accusing = ACCUSING.search(f"{member.attribution.verb} {member.content}")
                answers = _shares_more_than_names(context_terms, member.content, deniers)
                if (accusing or answers) and score > accused_score:
                    accused, accused_score = g, score
                continue
            if claim_party in answered:
                near = _nearest_before(group.items, member)
                if near > document_score:
                    document, document_score = g, near
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
        elif document >= 0:
            best = document  # "it's untrue" of a document: what was last quoted of it
        if best >= 0:
            contested.setdefault(best, []).append(d)
    _link_continuations(groups, contested, group_of)
    _link_contradictions(groups, asserted, sim, contested, disagreement)
    return contested


def _nearest_before(denials: Sequence[Item], claim: Item) -> float:
    """How close before a denial of its article ``claim`` stands (higher is nearer; 0 when it
    is not before one): an answer to a document answers what was last quoted of it."""
    gaps = [
        d.attribution.sentence - claim.attribution.sentence
        for d in denials
        if d.article_index == claim.article_index
        and claim.attribution.sentence < d.attribution.sentence
    ]
    return 1.0 / min(gaps) if gaps else 0.0


def _link_continuations(
    groups: list[Group], contested: dict[int, list[int]], group_of: dict[int, int]
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


def _answers_later(denials: Sequence[Item], claim: Item) -> bool:
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


_TAKES_A_VERB = wordset(
    """do does did will would can could shall should may might must have has had"""
)
_BE = wordset("is are was were be been am being")
_NEGATED_ADVERBS = wordset("immediately yet ever even really actually necessarily always")
# a statement that is itself negative ("neither ... was involved"); "a decision not to
# testify" names a deed and says nothing negative
_ANY_NEGATION = re.compile(
    r"\b(?:not(?!\s+to\b)|never|no|none|nobody|nothing|neither|nor)\b|n['’]t\b", re.IGNORECASE
)


def _negated_verbs(text: str) -> set[str]:
    """Stems of the verbs a negation denies ("were not immediately seeking", "have not asked",
    "didn't pay"): what the statement says did not happen. After a form of "be" only a
    participle is a verb ("were not seeking"; not "were not home")."""
    tokens = re.findall(r"[\w’']+", text)
    found: set[str] = set()
    for k, token in enumerate(tokens):
        low = token.lower()
        contracted = re.match(r"(\w+)n['’]t$", low)
        if low not in {"not", "never"} and not contracted:
            continue
        helper = contracted.group(1) if contracted else tokens[k - 1].lower() if k else ""
        base = helper in _TAKES_A_VERB or helper in {"ca", "wo", "don", "doesn", "didn"}
        j = k + 1
        while j < len(tokens) and tokens[j].lower() in _NEGATED_ADVERBS | _BE:
            base = base and tokens[j].lower() not in _BE
            j += 1
        if j >= len(tokens) or not tokens[j].islower():
            continue
        verb = tokens[j]
        if verb.endswith(("ing", "ed")) or (base and verb not in _TAKES_A_VERB | _BE):
            # a light verb says little alone: "did not show a lack of remorse" denies the lack
            words = [verb] if content_terms(verb) else tokens[j + 1 : j + 1 + _NEGATION_WINDOW]
            found.update(next((content_terms(w) for w in words if content_terms(w)), []))
    return found


def predicate_terms(text: str) -> set[str]:
    """Content stems of the lower-case words: what is said of the names, not the names."""
    return set(content_terms(" ".join(w for w in text.split() if not w[:1].isupper())))


def _link_contradictions(
    groups: list[Group],
    asserted: list[int],
    sim: Similarity,
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
        n_terms = predicate_terms(texts[n])
        n_negated = _negated_terms(texts[n])
        n_verbs = _negated_verbs(texts[n])
        best, best_score = -1, 0.0
        for g in asserted:
            if g == n or groups[g].party == groups[n].party:
                continue
            shared = n_terms & predicate_terms(texts[g])
            if len(shared) < MIN_SHARED_TERMS:
                continue
            if not (shared & n_negated) - _negated_terms(texts[g]):
                continue  # no word said with "not" on one side and without it on the other
            if not shared & n_verbs or _ANY_NEGATION.search(texts[g]):
                # "had asked them for help" / "we have not asked them": a deed one side says
                # happened and the other says did not; two negatives, or a negated noun
                # ("not about religion"), are too loose to show as a dispute
                continue
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
