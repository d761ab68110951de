"""The claims stage scored against the labelled Multi-News set (bench/claims_labels/).

Each labelled row of ../shared/eval-data/multinews-sample/multinews_test_sample250.csv (row
numbers count data rows from 0) becomes one Story: document k of the row's ``documents`` list
becomes Article ``r<row>d<k>`` from outlet ``News <letter>`` (a distinct outlet name per
document, each its own origin), skipping documents of 300 characters or fewer exactly as the
labels do, so the label's ``doc`` index is the k of the article. analyse_story runs on the story
and its output (the claims, disputes and figure groups a briefing would show) is scored against
``row-<N>.json``. The dev and holdout stories (``stories.json``) are reported apart.

Matching rules (written before any figure was looked at):

- Normalisation: casefold, curly quotes and dashes to plain ones, thousands separators dropped
  ("4,000" -> "4000"), then word tokens ``[a-z0-9]+(?:'[a-z]+)?``.
- Content: a system claim's content matches a labelled claim when the claim's articles share a
  document with the label's ``docs`` and the longest run of consecutive tokens common to the
  normalised label ``quote`` and the normalised claim text is at least min(4, tokens in the
  quote) long (the quote is found in the content, or the two overlap by four words).
  Revised after the first run, before any change to the claims code was measured: labellers
  often quoted the attribution with the content ("Weinstein denied the claims.", "Police say
  Struthers was arrested"), so the quote is matched against the claim's sentence in its first
  article (from the start of the sentence holding the content to the end of the sentence where
  it ends), with the same run length, and the run must overlap the claim content itself by
  at least one token. Both the "start" and "end" figures in RESULTS.md use this rule.
- Actor: the system actor is cut at ", " and " and " into names; the labelled actor and each of
  its aliases is a name too. Name tokens are the normalised tokens without "the a an of for at
  in on and 's". The actor matches when, for one system name and one labelled name, every
  token of the shorter is among the tokens of the longer (a surname alone, a role added or
  dropped) and the two share at least one token.
- A claim is right (claim precision) when it matches one labelled claim in content AND in
  actor, and is not junk (below). Claim precision = right claims / all claims shown.
- Junk (operational, read off the system's output alone; junk rate = junk claims / all claims):
  (a) fragment content: fewer than 3 word tokens, or every token a time word (days, months,
      today, yesterday, morning, night, week, ...), or the content ends in a word that cannot
      close a sentence ("and", "or", "but", "the", "a", "an"; a final preposition can: "wish
      for");
  (b) non-speaker actor: a name (as cut above) that is empty or "Unattributed"; that holds a
      caption or layout word (image, photo, picture, caption, video, getty, file, ap,
      reuters photo), a first-person pronoun (I, me, we, us, my, our), a leading "Like", "If",
      "As", "When"; or an outlet name of this bench ("News A"... or "outlet <n>");
  (c) truncated or adjective-only actor: a name whose last word is an adjective and not a
      noun: one of "jewish democratic regional local national federal state senior former top
      deputy foreign military" or a nationality adjective (a word pycountry-based
      ``briefing.claims.parties.country_of`` maps to a country while not being the country's name:
      German, Ukrainian, Chinese: ending in -an -ese -ish -ch -i, not a capital such as Tehran).
      (First written as "any word ending in -ese -ish -ian -ic
      -al"; that flagged nouns such as "official", so it was replaced by the rule above before
      any change to the claims code.)
- Disputes: each system dispute is expanded into (claim, counter) pairs. A system claim stands
  for every labelled claim its content matches (actor not required: a dispute is about which
  statements clash). A system pair is right when its two claims stand for the two sides of one
  labelled dispute, in either order. Dispute precision = right pairs / system pairs; dispute
  recall = labelled disputes with a right system pair / labelled disputes. Calm stories: share
  of stories without a labelled dispute where the system shows none.
- Claim recall: a labelled claim is recalled when some system claim matches it as for claim
  precision (content AND actor, not junk). Reported for the claims a briefing shows, for every
  claim the stage extracts before the display cap (analyse_claims without its caps on claims,
  disputes and counters), and for the labelled ``main`` claims as shown. "content" recall asks
  the content match only (was the statement extracted at all, whoever it is given to).
- Dispute misses, by cause: a labelled dispute not found in what is shown is "not extracted"
  when one of its sides has no content match among the uncapped claims, "not linked" when both
  sides are extracted but no uncapped dispute pairs them, and "cut by the cap" when an uncapped
  dispute pairs them but the shown one does not.
- Origins: share of system claims with ``origins`` > 1 (and, for scale, share of labelled
  claims whose ``docs`` name more than one document).
- Figures: a system value matches a labelled value when it comes from the same document and
  its text and the label's text hold the same first number (number words included: "three" =
  3; "4.5 million" = 4500000). A system group matches a labelled group when at least two of its
  values match values of that labelled group (or, for a label with values from one document, all
  of the labelled values are matched). Figure precision = matching system groups / system
  groups; recall = labelled groups matched / labelled groups; for matched groups, how often the
  ``disagree`` flag equals the label's.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from briefing.claims.disputes import Disagreement, DisagreementScorer, learned_disagreement
from briefing.claims.ledger import analyse_claims, analyse_story
from briefing.claims.parties import country_of
from briefing.claims.stance import wordset
from briefing.models import Article, Claim, Dispute, FigureSet, Story

LABELS_DIR = Path(__file__).resolve().parent / "claims_labels"
MIN_DOC_CHARS = 300
csv.field_size_limit(1 << 30)

_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NAME_STOP = wordset("the a an of for at in on and 's")
_TIME_WORDS = wordset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    morning afternoon evening night week weekend month year last this next on late early
    january february march april may june july august september october november december
    earlier later"""
)
_DANGLING = wordset("and or but the a an")
_CAPTION_WORDS = wordset("image photo picture caption video getty file ap")
_FIRST_PERSON = wordset("i me we us my our")
_BAD_LEADS = wordset("like if as when")
_END_ADJECTIVES = wordset(
    """jewish democratic regional local national federal state senior former top deputy
    foreign military"""
)
_NUMBER_WORDS = {
    w: k
    for k, w in enumerate(
        re.findall(r"\w+", "zero one two three four five six seven eight nine ten eleven twelve "
                   "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty")
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
      "ninety": 90, "hundred": 100, "dozen": 12}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def tokens(text: str) -> list[str]:
    folded = re.sub(r"(?<=\d),(?=\d{3})", "", text.translate(_FOLD).casefold())
    return _TOKEN.findall(folded)


def _longest_run(a: Sequence[str], b: Sequence[str]) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b):
            if x == y:
                current[j + 1] = previous[j] + 1
                best = max(best, current[j + 1])
        previous = current
    return best


def content_matches(quote: str, text: str, sentence: str = "") -> bool:
    """``sentence``: the claim's sentence around ``text`` (see the module docstring)."""
    q = tokens(quote)
    if not q:
        return False
    if _longest_run(q, tokens(text)) >= min(4, len(q)):
        return True
    return bool(sentence) and bool(set(q) & set(tokens(text))) and _longest_run(
        q, tokens(sentence)
    ) >= min(4, len(q))


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [k for k in (text.find(". ", end), text.find("\n", end)) if k >= 0]
    return text[left : min(stops) + 1 if stops else len(text)]


def _names(actor: str) -> list[list[str]]:
    parts = re.split(r",\s+|\s+and\s+", actor)
    return [[t for t in tokens(p) if t not in _NAME_STOP] for p in parts if p.strip()]


def actor_matches(actor: str, label_names: Iterable[str]) -> bool:
    ours = [n for n in _names(actor) if n]
    theirs = [[t for t in tokens(n) if t not in _NAME_STOP] for n in label_names]
    for a in ours:
        for b in theirs:
            if not b:
                continue
            shorter, longer = sorted((set(a), set(b)), key=len)
            if shorter <= longer and shorter & longer:
                return True
    return False


def junk_reasons(claim: Claim) -> list[str]:
    reasons = []
    content = tokens(claim.text)
    if len(content) < 3 or all(t in _TIME_WORDS for t in content) or content[-1] in _DANGLING:
        reasons.append("fragment")
    raw_parts = [p for p in re.split(r",\s+|\s+and\s+", claim.actor) if p.strip()] or [""]
    for part in raw_parts:
        words = tokens(part)
        if not words or part.strip() == "Unattributed":
            reasons.append("no actor")
        elif (
            set(words) & (_CAPTION_WORDS | _FIRST_PERSON)
            or words[0] in _BAD_LEADS
            or re.fullmatch(r"(?:news [a-z]|outlet \d+)", " ".join(words))
        ):
            reasons.append(f"non-speaker actor {part!r}")
        elif words[-1] in _END_ADJECTIVES or _demonym(part.split()[-1]):
            reasons.append(f"truncated actor {part!r}")
    return reasons


_CAPITALS_LIKE_DEMONYMS = wordset("tehran amman yerevan vatican")


def _demonym(word: str) -> bool:
    country = country_of(word)
    low = word.casefold()
    return (
        country is not None
        and word[:1].isupper()
        and low != country.casefold()
        and low.endswith(("an", "ese", "ish", "ch", "i"))
        and low not in _CAPITALS_LIKE_DEMONYMS
    )


def _first_number(text: str) -> float | None:
    folded = re.sub(r"(?<=\d),(?=\d{3})", "", text.casefold())
    for m in re.finditer(r"(\d+(?:\.\d+)?)|([a-z]+)", folded):
        if m.group(1):
            value = float(m.group(1))
            after = re.match(r"\s*([a-z]+)", folded[m.end():])
            if after and after.group(1) in _SCALES:
                value *= _SCALES[after.group(1)]
            return value
        if m.group(2) in _NUMBER_WORDS:
            return float(_NUMBER_WORDS[m.group(2)])
    return None


@dataclass
class Tally:
    claims: int = 0
    right: int = 0
    junk: int = 0
    multi_origin: int = 0
    label_claims: int = 0
    label_multi_doc: int = 0
    pairs: int = 0
    right_pairs: int = 0
    label_disputes: int = 0
    found_disputes: int = 0
    calm_stories: int = 0
    calm_kept: int = 0
    groups: int = 0
    right_groups: int = 0
    label_groups: int = 0
    found_groups: int = 0
    flag_agree: int = 0
    stories: int = 0
    recalled: int = 0
    recalled_uncapped: int = 0
    recalled_content_uncapped: int = 0
    label_main: int = 0
    recalled_main: int = 0
    miss_not_extracted: int = 0
    miss_not_linked: int = 0
    miss_cut: int = 0
    junk_examples: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        return {
            "stories": self.stories,
            "claims": self.claims,
            "claim_precision": ratio(self.right, self.claims),
            "junk_rate": ratio(self.junk, self.claims),
            "multi_origin_share": ratio(self.multi_origin, self.claims),
            "label_multi_doc_share": ratio(self.label_multi_doc, self.label_claims),
            "dispute_pairs": self.pairs,
            "dispute_precision": ratio(self.right_pairs, self.pairs),
            "labelled_disputes": self.label_disputes,
            "dispute_recall": ratio(self.found_disputes, self.label_disputes),
            "calm_stories": self.calm_stories,
            "calm_kept": ratio(self.calm_kept, self.calm_stories),
            "figure_groups": self.groups,
            "figure_precision": ratio(self.right_groups, self.groups),
            "labelled_figure_groups": self.label_groups,
            "figure_recall": ratio(self.found_groups, self.label_groups),
            "figure_flag_agreement": ratio(self.flag_agree, self.found_groups),
            "labelled_claims": self.label_claims,
            "claim_recall": ratio(self.recalled, self.label_claims),
            "claim_recall_uncapped": ratio(self.recalled_uncapped, self.label_claims),
            "claim_content_recall_uncapped": ratio(
                self.recalled_content_uncapped, self.label_claims
            ),
            "main_claim_recall": ratio(self.recalled_main, self.label_main),
            "dispute_missed_not_extracted": self.miss_not_extracted,
            "dispute_missed_not_linked": self.miss_not_linked,
            "dispute_missed_cut_by_cap": self.miss_cut,
        }


def story_of(row: int, documents: Sequence[str]) -> Story:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    articles = tuple(
        Article(f"r{row}d{k}", f"News {chr(65 + k)}", f"https://mn/{row}/{k}", "", d, now, now)
        for k, d in enumerate(documents)
        if len(d) > MIN_DOC_CHARS
    )
    return Story(f"row{row}", articles, {a.id: a.id for a in articles})


def _doc(article_id: str) -> int:
    return int(article_id.rpartition("d")[2])


def _content_matches(
    claim: Claim, labelled: dict[str, dict[str, Any]], texts: dict[str, str]
) -> set[str]:
    docs = {_doc(a) for a in claim.article_ids}
    first = texts.get(claim.article_ids[0], "") if claim.article_ids else ""
    sentence = _sentence_around(first, claim.start, claim.end) if first else ""
    return {
        cid
        for cid, c in labelled.items()
        if docs & set(c.get("docs", []))
        and content_matches(c.get("quote", ""), claim.text, sentence)
    }


def _right_for(claim: Claim, matches: set[str], labelled: dict[str, dict[str, Any]]) -> set[str]:
    return {
        m
        for m in matches
        if actor_matches(claim.actor, [labelled[m]["actor"], *labelled[m].get("aliases", [])])
    }


def score_story(
    label: dict[str, Any],
    texts: dict[str, str],
    claims: Sequence[Claim],
    disputes: Sequence[Dispute],
    figures: Sequence[FigureSet],
    tally: Tally,
    uncapped: tuple[Sequence[Claim], Sequence[Dispute]] | None = None,
) -> list[str]:
    """Add one story's counts to ``tally``; returns readable notes on what missed.
    ``uncapped``: the claims and disputes before the display caps (for recall and the causes
    of missed disputes)."""
    notes: list[str] = []
    labelled = {c["id"]: c for c in label.get("claims", [])}
    tally.stories += 1
    tally.label_claims += len(labelled)
    tally.label_multi_doc += sum(len(set(c.get("docs", []))) > 1 for c in labelled.values())
    stands_for: list[set[str]] = []
    recalled: set[str] = set()
    for claim in claims:
        matches = _content_matches(claim, labelled, texts)
        stands_for.append(matches)
        junk = junk_reasons(claim)
        right_for = _right_for(claim, matches, labelled) if not junk else set()
        right = bool(right_for)
        recalled |= right_for
        tally.claims += 1
        tally.right += right
        tally.junk += bool(junk)
        tally.multi_origin += claim.origins > 1
        if junk:
            tally.junk_examples.append(f"{claim.actor} | {claim.text[:60]} | {junk}")
        if not right:
            why = "junk" if junk else "actor" if matches else "content"
            notes.append(f"claim wrong ({why}): {claim.actor}: {claim.text[:90]!r}")
    label_pairs = {
        frozenset((d["claim"], d["counter"])) for d in label.get("disputes", [])
    }
    found: set[frozenset[str]] = set()
    for dispute in disputes:
        for counter in dispute.counter:
            tally.pairs += 1
            hits = {
                pair
                for pair in label_pairs
                for a in stands_for[dispute.claim]
                for b in stands_for[counter]
                if frozenset((a, b)) == pair and a != b
            }
            tally.right_pairs += bool(hits)
            found |= hits
            if not hits:
                notes.append(
                    f"dispute wrong: {claims[dispute.claim].actor}: "
                    f"{claims[dispute.claim].text[:60]!r} vs {claims[counter].actor}: "
                    f"{claims[counter].text[:60]!r}"
                )
    tally.label_disputes += len(label_pairs)
    tally.found_disputes += len(found)
    tally.recalled += len(recalled)
    main = {cid for cid, c in labelled.items() if c.get("main")}
    tally.label_main += len(main)
    tally.recalled_main += len(main & recalled)
    extracted: set[str] = set()
    uncapped_found: set[frozenset[str]] = set()
    if uncapped is not None:
        all_claims, all_disputes = uncapped
        all_stand_for = [_content_matches(c, labelled, texts) for c in all_claims]
        all_recalled: set[str] = set()
        for claim, matches in zip(all_claims, all_stand_for, strict=True):
            extracted |= matches
            if not junk_reasons(claim):
                all_recalled |= _right_for(claim, matches, labelled)
        tally.recalled_uncapped += len(all_recalled)
        tally.recalled_content_uncapped += len(extracted)
        uncapped_found = {
            pair
            for dispute in all_disputes
            for counter in dispute.counter
            for pair in label_pairs
            for a in all_stand_for[dispute.claim]
            for b in all_stand_for[counter]
            if frozenset((a, b)) == pair and a != b
        }
        for cid in sorted(set(labelled) - all_recalled):
            c = labelled[cid]
            why = "extracted, actor or junk" if cid in extracted else "not extracted"
            notes.append(f"claim missed ({why}): {c.get('actor')}: {c.get('quote')!r}")
    for pair in sorted(label_pairs - found, key=sorted):
        a, b = sorted(pair)
        cause = ""
        if uncapped is not None:
            if not pair <= extracted:
                cause = "not extracted: " + ", ".join(sorted(pair - extracted))
                tally.miss_not_extracted += 1
            elif pair in uncapped_found:
                cause = "cut by the cap"
                tally.miss_cut += 1
            else:
                cause = "not linked"
                tally.miss_not_linked += 1
        notes.append(
            f"dispute missed ({cause}): {a} {labelled.get(a, {}).get('quote')!r} vs "
            f"{b} {labelled.get(b, {}).get('quote')!r}"
        )
    if not label_pairs:
        tally.calm_stories += 1
        tally.calm_kept += not disputes
    label_groups = label.get("figures", [])
    tally.label_groups += len(label_groups)
    tally.groups += len(figures)
    matched_labels: set[int] = set()
    for group in figures:
        values = [(_doc(v.article_id), _first_number(v.text)) for v in group.values]
        best = None
        for g, lg in enumerate(label_groups):
            wanted = [(v["doc"], _first_number(v["text"])) for v in lg.get("values", [])]
            hit = sum(1 for v in values if v[1] is not None and v in wanted)
            one_doc = len({d for d, _ in wanted}) == 1
            if hit >= 2 or (one_doc and wanted and all(w in values for w in wanted)):
                best = g
                break
        if best is None:
            notes.append(f"figure group wrong: {group.quantity}: {[v.text for v in group.values]}")
            continue
        tally.right_groups += 1
        if best not in matched_labels:
            matched_labels.add(best)
            tally.flag_agree += group.disagree == bool(label_groups[best].get("disagree"))
    tally.found_groups += len(matched_labels)
    for g, lg in enumerate(label_groups):
        if g not in matched_labels:
            notes.append(f"figure group missed: {lg.get('quantity')}: "
                         f"{[v['text'] for v in lg.get('values', [])]}")
    return notes


def bench_labelled(csv_path: Path, labels_dir: Path = LABELS_DIR, *, verbose: bool = False,
                   splits: Sequence[str] = ("dev", "holdout"),
                   disagreement: Disagreement | DisagreementScorer | str | None = "learned"
                   ) -> dict[str, dict[str, float]]:
    """Score analyse_story (with ``disagreement`` plugged into its dispute linking: by default
    the learned scorer the briefing uses; None for the shared-content rules alone) on the
    labelled stories whose row file is present."""
    if isinstance(disagreement, str):
        disagreement = learned_disagreement()
    stories = json.loads((labels_dir / "stories.json").read_text(encoding="utf-8"))
    with csv_path.open(encoding="utf-8") as handle:
        rows = [r["documents"] for r in csv.DictReader(handle)]
    tallies = {split: Tally() for split in splits}
    for entry in stories:
        split = entry["split"]
        path = labels_dir / f"row-{entry['row']}.json"
        if split not in tallies or not path.exists():
            continue
        try:
            label = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            print(f"row {entry['row']}: labels not readable, skipped")
            continue
        documents = ast.literal_eval(rows[entry["row"]])
        story = story_of(entry["row"], documents)
        claims, disputes, figures = analyse_story(story, disagreement=disagreement)
        uncapped = analyse_claims(story, max_claims=10**6, disagreement=disagreement,
                                  max_disputes=10**6, max_counters=10**6)
        texts = {a.id: a.text for a in story.articles}
        notes = score_story(label, texts, claims, disputes, figures, tallies[split], uncapped)
        if verbose and split == "dev":
            print(f"-- row {entry['row']} ({split}): {len(claims)} claims, "
                  f"{len(disputes)} disputes, {len(figures)} figure groups")
            for note in notes:
                print(f"   {note}")
    out = {split: t.figures() for split, t in tallies.items()}
    print("| labelled Multi-News | " + " | ".join(splits) + " |")
    print("|---|" + "---|" * len(splits))
    for key in next(iter(out.values())):
        print(f"| {key} | " + " | ".join(str(out[s][key]) for s in splits) + " |")
    print()
    if verbose and "dev" in tallies:
        for example in tallies["dev"].junk_examples:
            print(f"   junk (dev): {example}")
    return out
