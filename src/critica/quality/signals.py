"""Machine-translation damage signals: English left in place, calques, garbled words.

Word-level evidence comes from `wordfreq` (how common a word is in Spanish
and in English); longer runs are confirmed with lingua. Capitalised words
inside a sentence are taken for names or titles and never flagged. A word
is garbled only when the forgiving Spanish lexicon (`lexicon`) cannot place
it: rare words, inflections, missing accents and one-letter typos are how
people write, not translation damage. Sentences glued without a space are
not a signal: native reviews that lost their line breaks have them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from critica.quality.lexicon import ENGLISH_AWARD_FORMS, is_spanish_word
from critica.text.segment import starts_sentence
from critica.text.wordlists import zipf

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SPANISH_AUX = frozenset("he has ha hemos han había habían soy es era fue estoy estaba puedo".split())
_ENGLISH_PRONOUNS = frozenset("i you we they".split())
# English words Spanish film talk has adopted; never fragments.
LOANWORDS = frozenset(
    """off western thriller casting remake show reality gore slasher spin blockbuster indie look
sketch gag flashback cameo biopic trailer spoiler fan fans film hobby sitcom thrillers westerns shows stop motion
happy end making of premiere glamour sexy cool hit hits pop rock jazz blues rap heavy punk heist stunt""".split()
)
_ENGLISH_MARGIN = 1.2  # zipf(en) − zipf(es) for a word to look English
_STRONG_ENGLISH = 5.5  # a lone word this frequent in English (the, I, and) is a fragment by itself

# Literal translations of English idioms and terms, written for critica: pattern → what it renders.
CALQUES: dict[str, str] = {
    r"\bla parcela\b": "'la parcela' is a literal 'the plot' (la trama)",
    r"\btiempo de (?:ejecuci[óo]n|funcionamiento)\b": "'tiempo de ejecución' is a literal 'running time' (duración)",
    r"\bal final del d[íi]a\b": "'al final del día' renders 'at the end of the day' (al fin y al cabo)",
    r"\ben mi libro\b": "'en mi libro' renders 'in my book' (para mí)",
    r"\bhace(?:r)? sentido\b": "'hacer sentido' renders 'make sense' (tener sentido)",
    r"\bpieza de basura\b": "'pieza de basura' renders 'piece of garbage' (basura)",
    r"\btomar? lugar\b": "'tomar lugar' renders 'take place' (tener lugar)",
    r"\bdos pulgares (?:arriba|hacia arriba)\b": "'dos pulgares arriba' renders 'two thumbs up'",
    r"\bcae plano\b|\bcay[óo] plano\b": "'cae plano' renders 'falls flat' (no funciona)",
    r"\bfuera de este mundo\b": "'fuera de este mundo' renders 'out of this world'",
    r"\bvalores? de (?:la )?producci[óo]n\b": "'valores de producción' renders 'production values'",
    r"\bpuntuaci[óo]n (?:musical|clim[áa]tica|orquestal)\b": "'puntuación' renders the musical 'score' (partitura)",
    r"\bcaracter[íi]stica (?:de longitud|completa)\b": "'característica' renders 'feature film' (largometraje)",
    r"\bcabeza y hombros\b": "'cabeza y hombros' renders 'head and shoulders above'",
}
_CALQUE_PATTERNS = [(re.compile(p, re.I), note) for p, note in CALQUES.items()]
_ENGLISH_AWARDS = [(re.compile(rf"(?<!\w){p}(?!\w)", re.I), name) for p, name in ENGLISH_AWARD_FORMS.items()]


@dataclass
class Signals:
    """What a review shows of machine translation (offsets in the clean text)."""

    words: int = 0
    fragments: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, language)
    notes: list[str] = field(default_factory=list)
    calques: int = 0
    english_awards: int = 0
    garbled: list[str] = field(default_factory=list)


@lru_cache(maxsize=65536)
def _zipf(word: str) -> tuple[float, float]:
    return zipf(word, "es"), zipf(word, "en")


def _looks_english(word: str, sentence_initial: bool) -> bool:
    lower = word.lower()
    if lower in LOANWORDS:
        return False
    if word[0].isupper() and not sentence_initial and lower not in _ENGLISH_PRONOUNS and not word.isupper():
        return False  # a capitalised word mid-sentence is a name or a title
    es, en = _zipf(lower)
    return en >= 3.3 and en - es >= _ENGLISH_MARGIN


def _is_garbled(word: str) -> bool:
    if len(word) < 6 or not word.islower():
        return False
    es, en = _zipf(word)
    return es == 0.0 and en == 0.0 and not is_spanish_word(word)


def _fragments(text: str, words: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    runs: list[tuple[int, int]] = []  # first and last word index of each run of English-looking words
    opened: int | None = None
    for i, match in enumerate(words):
        if _looks_english(match.group(), starts_sentence(text, match.start())):
            opened = i if opened is None else opened
            continue
        if opened is not None:
            runs.append((opened, i - 1))
        opened = None
    if opened is not None:
        runs.append((opened, len(words) - 1))
    found = []
    for first_i, last_i in runs:
        first = words[first_i].group().lower()
        if first_i == last_i and _zipf(first)[1] < _STRONG_ENGLISH:
            continue
        before = words[first_i - 1].group() if first_i > 0 else ""
        after = words[last_i + 1].group() if last_i + 1 < len(words) else ""
        if _in_a_title(words[first_i].group(), before, after):
            continue
        start, end = words[first_i].start(), words[last_i].end()
        if first_i == last_i and first in _ENGLISH_PRONOUNS:
            # "I He visto" ← "I've seen": the stranded pronoun and the verb it belonged to are one piece.
            rest = words[last_i + 1 : last_i + 3]
            if rest and rest[0].group().lower() in _SPANISH_AUX:
                end = rest[-1].end()
        elif last_i - first_i >= 2 and not _lingua_says_english(text[start:end]):
            continue
        found.append((start, end, "en"))
    return found


def _in_a_title(lead: str, before: str, after: str) -> bool:
    """Whether a run of English words (its first word, the words either side) belongs to a title.

    Lower-case English between capitalised words ('of' in 'The Pursuit of Happyness'), or a
    capitalised English word before another capital ('The' of '"The Shawshank Redemption"').
    """
    if not after[:1].isupper():
        return False
    return before[:1].isupper() or (lead[:1].isupper() and lead.lower() not in _ENGLISH_PRONOUNS)


def _lingua_says_english(fragment: str) -> bool:
    from critica.text.language import language_of_words

    return language_of_words(fragment) == "en"


def collect_signals(text: str) -> Signals:
    """Every MT signal of a clean text."""
    words = list(_WORD.finditer(text))
    signals = Signals(words=len(words))
    signals.fragments = _fragments(text, words)
    for pattern, note in _CALQUE_PATTERNS:
        if pattern.search(text):
            signals.calques += 1
            signals.notes.append(note)
    for pattern, spanish in _ENGLISH_AWARDS:
        for match in pattern.finditer(text):
            signals.english_awards += 1
            signals.notes.append(f"'{match.group()}' looks like an untranslated English award name ({spanish})")
    signals.garbled = sorted({w.group() for w in words if _is_garbled(w.group())})
    if signals.garbled:
        shown = ", ".join(f"'{w}'" for w in signals.garbled[:5])
        signals.notes.append(
            f"words that no Spanish or English word list knows (garbled translation, or typos): {shown}"
        )
    return signals


def feature_vector(signals: Signals) -> list[float]:
    """Rates per 100 words: the inputs of the machine-translation classifier."""
    per = 100.0 / max(signals.words, 20)
    return [
        len(signals.fragments) * per,
        (signals.calques + signals.english_awards) * per,
    ]


# Garbled words are a note, not a feature: over MuchoCine and IMDB-es they turned out more frequent in
# native text (typos beyond one edit, slang) than in translated text, so they say nothing of translation.
FEATURE_NAMES = ("english_fragments", "calques_and_english_awards")
