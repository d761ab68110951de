"""The claims stage: the Key claims / Disputed block of a story (who claims what, how many
independent origins back it, which claims another party contests, and where outlets' numbers
cannot all be true). Pure: a Story in, plain data out; every text is verbatim with its offsets.

Its parts, in the order a story goes through them:

- ``attribution``: who said what in each sentence (speaker, verb, stance, the statement's span,
  direct quote or reported speech); fragments and non-speakers are dropped. It finds the
  speaker's span with ``actors`` and tells quotations apart with ``quotes``.
- ``speakers``: the statements of each article with speakers resolved (pronouns to the previous
  speaker, surnames to the fullest name the story gives), each denial tied to what it answers
  in its own article; ``parties`` puts each speaker in a party (country, organisation, name).
- ``ledger``: statements of one party that say the same thing merged into one claim (TF-IDF
  cosine over stemmed content words, see ``items.Similarity``), ``origins`` counted by distinct
  origin; the entry point, ``ledger.analyse_story``.
- ``disputes``: a denial linked to the claim it contests (the assertion it points back to, an
  accusation of the denier, or the other party's claim the ``learned_stance`` scorer reads as
  contradicted); a party never disputes itself, a denial nobody's claim provokes stays alone.
- ``figures``: numbers normalised to intervals and grouped by quantity.
- ``stance`` and ``learned_stance``: the cue lexicons and the two small shipped models.

The package's ``__init__`` imports nothing, so ``briefing.terms`` and ``briefing.cluster`` can
use the lexicons without loading the stage.
"""
