"""Who said it: the statements of each article with their speakers resolved (pronouns to the
previous speaker, surnames to the fullest name the story gives, aliases of one speaker joined),
and each denial tied to what it answers in its own article."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from ..models import Story
from ..terms import content_terms
from ..text import Span, split_sentences
from .actors import PRONOUNS, ROLE_MODIFIERS, ROLE_NOUNS
from .attribution import Attribution, find_attributions
from .disputes import ACCUSING, predicate_terms
from .fullnames import first_names, full_names, in_full, person_forms, titled_people
from .items import Item
from .parties import PARTY_MODIFIERS, country_of, party_of, speaker
from .stance import wordset

CONTINUATION_SENTENCES = 3

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


def _clean_actor(actor: str) -> str:
    actor = re.sub(r"^(?:the|a|an)\s+", "", actor.strip(), flags=re.IGNORECASE).strip(" ,")
    return actor[:1].upper() + actor[1:]


def _resolve_aliases(items: list[Item]) -> None:
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


def _introduction(text: str, item: Item) -> str:
    """The words that introduce ``item``'s speaker ("Darian Ward, a spokeswoman for ...")."""
    att = item.attribution
    if att.content_start > att.start + 2:
        return f"{item.actor} {text[att.start : att.content_start]}"
    return f"{item.actor} {text[att.content_end : att.end]}"


_PERSON_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+([A-Z][a-z][\w’'-]+)\b")


def _someone_else_named(text: str, previous: Item, att: Attribution) -> bool:
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


def _titled_person(text: str, previous: Item | None, att: Attribution) -> str | None:
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


def _own_subject(text: str, previous: Item, att: Attribution) -> bool:
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


def _accused_person(previous: Item | None, att: Attribution, text: str) -> str | None:
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
    if len(set(names)) != 1 or not ACCUSING.search(
        f"{previous.attribution.verb} {previous.content}"
    ):
        return None
    return names[0]


_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w’'-]+\b")


def items_for_story(story: Story) -> list[Item]:
    items: list[Item] = []
    for index, article in enumerate(story.articles):
        text = article.text
        sentences = split_sentences(text)
        previous: Item | None = None
        genders: dict[str, str] = {}  # speaker -> the pronoun the article has used for them
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
                ) or (att.actor.lower() == "they" and _own_subject(text, previous, att)) or (
                    genders.get(previous.actor, att.actor.lower()) != att.actor.lower()
                ):
                    continue
                else:
                    actor = previous.actor
                if att.actor.lower() in {"he", "she"}:
                    # "'...,' he said. ... she says she didn't write it": not him
                    genders.setdefault(actor, att.actor.lower())
            content = att.content(text)
            context = content
            antecedent = _antecedent(text, sentences, att, article.title) if att.anaphoric else ""
            item = Item(
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
    texts = [a.text for a in story.articles]
    forms = person_forms(texts)
    _surnames_in_full(items, full_names(forms), titled_people(texts), first_names(forms))
    _join_rebuttals(items)
    _continue_denials(items)
    return items


def _surnames_in_full(
    items: list[Item], names: dict[str, str], titled: dict[str, str], firsts: dict[str, str]
) -> None:
    """'Morgan told POLITICO' is shown as 'Piers Morgan' when the story names him so, 'the
    bishop said' as 'Bishop Edward Burns' when he is the story's one bishop, 'her son Tom' as
    'Tom Venn'."""
    for item in items:
        full = in_full(item.actor, names, titled, firsts)
        if full != item.actor:
            item.actor = full
            item.party = party_of(full)


def _join_rebuttals(items: list[Item]) -> None:
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


def _anchor(items: Sequence[Item], denial: Item) -> Item | None:
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


def _same_words(items: Sequence[Item], denial: Item) -> Item | None:
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


def _answered(items: Sequence[Item], denial: Item) -> Item | None:
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
    shared = predicate_terms(earlier.content) & predicate_terms(denial.content)
    return earlier if shared else None


def _continue_denials(items: list[Item]) -> None:
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


_HONORIFICS = wordset("mr mrs ms dr prof professor sen rep gov")
