"""The shape of a text with its topic removed: function words, punctuation and word classes.

Machine translation from English leaves its mark on the closed-class words
(pronouns, possessives, articles, prepositions, auxiliaries) and on their
order: "él es", "su propia", "el cual", "una de las más", a subject pronoun
before every verb. Content words say what a review is about (American films,
Spanish films, the 2000s, Netflix) and nothing about how it was written, so
they are replaced by a placeholder before any n-gram is counted; a detector
that reads only this skeleton cannot learn film names, era or topic.

Accents are stripped and case folded first: many people write "mas",
"tambien" or "pelicula" without accents, a trait of a site's users rather
than of translation, and the detector must not learn it as "native".
"""

from __future__ import annotations

import re
from itertools import pairwise

from critica.text.fold import fold

# Spanish closed-class words and the commonest auxiliaries, accent-stripped (written for critica).
FUNCTION_WORDS = frozenset(
    """
    el la los las lo un una unos unas al del
    a ante bajo cabe con contra de desde durante en entre hacia hasta mediante para por segun sin so sobre tras
    y e ni o u pero sino mas aunque porque pues que si como cuando donde mientras quien quienes cual cuales cuyo
    cuya cuyos cuyas cuanto cuanta cuantos cuantas
    yo tu usted ustedes el ella ello ellos ellas nosotros nosotras vosotros vosotras me te se nos os le les
    mi mis tu tus su sus nuestro nuestra nuestros nuestras vuestro vuestra suyo suya suyos suyas mio mia mios mias
    este esta estos estas ese esa esos esas aquel aquella aquellos aquellas esto eso aquello
    algun alguno alguna algunos algunas ningun ninguno ninguna otro otra otros otras todo toda todos todas
    mucho mucha muchos muchas poco poca pocos pocas tanto tanta tantos tantas demasiado cada cualquier mismo
    misma mismos mismas propio propia propios propias varios varias ambos
    no si ya aun tambien tampoco muy tan solo solamente bien mal asi aqui alli ahi ahora entonces luego despues
    antes siempre nunca jamas casi incluso todavia quiza quizas realmente simplemente mucho menos
    ser es son era eran fue fueron sea sean sido siendo soy eres somos seria serian
    estar esta estan estaba estaban estuvo estado estoy
    haber he has ha hemos han habia habian hubo haya hayan habra habria
    tener tiene tienen tenia tenian tuvo tengo
    hacer hace hacen hizo hecho poder puede pueden podia pudo puedo podria
    ir va van iba fue voy vamos hay
    """.split()
)
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[.,;:!?¡¿«»\"“”()\-–—…]")
_PUNCT_MAP = {"“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-", "…": "."}


def skeleton(text: str) -> list[str]:
    """The text as function words, punctuation and placeholders (W word, C capitalised word, N number)."""
    out: list[str] = []
    sentence_start = True
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0].isdigit():
            out.append("N")
            sentence_start = False
        elif not token[0].isalpha():
            mark = _PUNCT_MAP.get(token, token)
            if not (out and out[-1] == mark):  # "!!!" and "..." are a site's habits, not translation
                out.append(mark)
            sentence_start = mark in ".!?"
        else:
            folded = fold(token)
            if folded in FUNCTION_WORDS:
                out.append(folded)
            elif token[0].isupper() and not sentence_start:
                out.append("C")
            else:
                out.append("W")
            sentence_start = False
    return out


def skeleton_ngrams(text: str) -> list[str]:
    """Skeleton uni-, bi- and trigrams."""
    tokens = skeleton(text)
    grams = list(tokens)
    grams += [f"{a} {b}" for a, b in pairwise(tokens)]
    grams += [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]
    return grams


def structure_terms(text: str) -> list[str]:
    """The skeleton n-grams holding at least one function word: the analyser of the structure model.

    Same terms as filtering `skeleton_ngrams`, built without splitting every n-gram again.
    """
    tokens = skeleton(text)
    keep = [t in FUNCTION_WORDS for t in tokens]
    n = len(tokens)
    grams = [t for t, k in zip(tokens, keep, strict=True) if k]
    grams += [f"{tokens[i]} {tokens[i + 1]}" for i in range(n - 1) if keep[i] or keep[i + 1]]
    grams += [
        f"{tokens[i]} {tokens[i + 1]} {tokens[i + 2]}" for i in range(n - 2) if keep[i] or keep[i + 1] or keep[i + 2]
    ]
    return grams
