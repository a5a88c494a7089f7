"""People and their roles: spaCy's PER entities and capitalised spans, confirmed by Spanish role cues.

A capitalised span becomes a person when spaCy calls it PER and it has two
or more words, or when the text gives it a role ("dirigida por X", "X
interpreta a Y") or pairs it with a character ("Veronika (Tatyana
Samojlova)"). Later mentions of the surname alone, or "de Kalatozov",
merge into the same person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

from critica.facts import rules
from critica.facts.credits import CreditTable
from critica.facts.gazetteers import GENRES, MAKER_BEFORE, ROLE_AFTER, ROLE_BEFORE, UNDER_ORDERS
from critica.facts.names import NameSpan, fold, is_common_word
from critica.text.patterns import spanish_re

# "dirigida por X", "el director, X", "Dirigida por: X"
# "el aclamado director italiano Gianni Amelio": one adjective may sit between the cue and the name.
_BEFORE_TIGHT = [
    (role, spanish_re(rf"\b(?:{cue})(?:\s+(?-i:[a-záéíóúñ]+[oae]s?))?\s*[,:]?\s*$", re.I)) for role, cue in ROLE_BEFORE
] + [("director", spanish_re(rf"\b(?:{UNDER_ORDERS})\s*$", re.I))]
# "Escrita y dirigida por Jason Maran": both roles at once.
_WRITER_DIRECTOR = spanish_re(
    r"\b(?:(?:escrit[oa] y dirigid[oa]|dirigid[oa] y escrit[oa]) por\s*:?"
    r"|(?:guionista y director|director y guionista)\s*,?)\s*$",
    re.I,
)
# "su maestra (Jonathan Schaech)": a full name in brackets after a description is the actor playing it.
_BRACKETED_AFTER_WORDS = spanish_re(r"[a-záéíóúñ]\s*\($")
# "la cinematografía de mano inspirada y dinámica de Sergei Urusevsky"
# …but not "la cinematografía de las películas de Batman": the name after "películas de" owns films, not the role.
_BEFORE_LOOSE = [
    # "dirigidas por el mismo tipo, Jim Wynorski": a short description, then the name in apposition.
    ("director", spanish_re(r"\bdirigid[oa]s? por(?:\s+[\w]+){1,4}\s*,\s*$", re.I)),
    ("writer", spanish_re(r"\bescrit[oa]s? por(?:\s+[\w]+){1,4}\s*,\s*$", re.I)),
] + [
    (role, spanish_re(rf"\b(?:{cue})(?:\s+(?!pel[íi]culas?\b)[\w,]+){{0,5}}\s+de\s*$", re.I))
    for role, cue in (
        ("cinematographer", r"fotograf[íi]a|cinematograf[íi]a|c[áa]mara"),
        ("composer", r"m[úu]sica|banda sonora|partitura"),
        ("writer", r"guion|gui[óo]n"),
        ("editor", r"montaje"),
    )
]
_APPOSITION = [
    (role, spanish_re(rf"^\s*,?\s*(?:el|la|un|una|su|nuestro|nuestra)?\s*(?:\w+\s+)?(?:{cue})\b", re.I))
    for role, cue in ROLE_BEFORE
]
# "Cenicienta como Drizella" compares two characters; "Will Smith como Tim" casts an actor: one word is not enough.
_BARE_COMO = spanish_re(r"^\s*,?\s*como [A-ZÁÉÍÓÚ]")
# "Rhett Giles, quien interpretó a un pastor": a relative pronoun may stand between the name and the verb.
_AFTER = [
    (role, spanish_re(rf"^\s*,?\s*(?:(?:quien|que)\s+)?(?:también\s+)?(?:{cue})", re.I)) for role, cue in ROLE_AFTER
] + [("actor", spanish_re(rf"^\s*,?\s*(?:{UNDER_ORDERS})\b", re.I))]
_LIST_GLUE = spanish_re(r"^\s*(?:,|y|e|,\s*y)\s*$")
_MAKER = spanish_re(rf"\b{MAKER_BEFORE}\s*$", re.I)
# "con un Bardem inmenso", "con una Penélope Cruz que brilla": a cast member the review judges. With a full
# name this is an actor nine times in ten in the training reviews; a lone word only before an adjective
# ("con un Oscar merecido", "con una Londres de postal" are a prize and a place).
_WITH_A = spanish_re(r"\bcon (?:un|una)\s+(?:(?-i:[a-záéíóúñ]+)\s+)?$", re.I)
_ADJECTIVE_AFTER = spanish_re(r"^\s+(?-i:[a-záéíóúñ]+(?:[oa]s?|e|es|ble|bles|al|ales))\b(?<!\bque)", re.I)
_ACTING_WORDS = spanish_re(
    r"\b(?:actor|actores|actriz|actrices|reparto|elenco|actuaci[óo]n|actuaciones"
    r"|interpretaci[óo]n|interpretaciones|papel|papeles|act[úu]a|actu[óo]|actuando|actuad[oa]|actuar|act[úu]an"
    r"|actuaron|personaje|personajes|protagoniza|protagonistas?|protag[óo]nic[oa]s?|coprotagonistas?|roles?"
    r"|desempeño|estrellas?|juega a|interpreta|casting|r[ée]plica"
    r"|voz|voces|elegid[oa])\b",
    re.I,
)
_CHARACTER_AFTER = spanish_re(
    r"^\s*(?:,\s*)?(?:interpreta a|interpretando a|en el papel de|como|que interpreta a"
    r"|da vida a|encarna a|juega a|juega al|hace de|(?:juega|interpreta|hace|asume) el papel de"
    r"|(?:se mete |se pone |metid[oa] )?en la piel de|(?:vuelve|regresa|repite) como"  # "vuelve como Sarah Connor"
    r"|juega|interpreta"  # "Tim Robbins juega Andy Dufresne": translation drops the "a" of "plays"
    r"|\(\s*(?:también\s+)?(?:actuando|apareciendo|haciendo)\s+(?:como|de))\s+"
    r"(?:(?:don|doña|el|la|sr\.|sra\.|dr\.|dra\.|señor|señora)\s+){0,2}$",  # "como el Sr. Fox"
    re.I,
)


# A character's rank or kinship before its name: "como el diputado Scott", "(Diputado Steve Naish)".
_RANKS = (
    r"diputad[oa]|sheriff|detective|inspector(?:a)?|agente|capit[áa]n|teniente|sargento|coronel|general|doctor(?:a)?"
    r"|profesor(?:a)?|padre|madre|herman[oa]|t[íi][oa]|reina|rey|pr[íi]ncipe|princesa|conde|condesa|senador(?:a)?"
)
# "Kim Greist es buena como Laura Burford", "Helen Mirren estaba estupenda en el rol de la Reina…",
# "Tom Law es agradable como el diputado Scott": an actor judged in a part.
_PRAISED_AS = spanish_re(
    r"^\s+(?:es|fue|está|estaba|estuvo|era|resulta)\s+(?:(?:muy|tan|realmente|simplemente|igual de)\s+)?"
    rf"[a-záéíóúñ]+\s+(?:como|en el (?:rol|papel) de)\s+(?:(?:el|la)\s+)?(?:(?:{_RANKS})\s+)?$",
    re.I,
)
# "su madre Dana es interpretada por Rosanna Arquette", "Sassy es expresado por Sally Field": passive casting;
# also in apposition, as translation leaves it: "Ada Monroe, interpretada por Nicole Kidman", "Rudy, que es
# interpretado por…", "Edward Lewis, jugado por Richard Gere" ("played by"), "está bellamente retratada por".
_PLAYED_BY = spanish_re(
    r"^\s*(?:,\s*(?:(?:que|quien)\s+)?|\s+)(?:(?:es|fue|era|será|está|estaba)\s+)?(?:\w+mente\s+)?"
    r"(?:interpretad|encarnad|expresad|doblad|retratad|jugad)[oa]s?\s+por\s+$",
    re.I,
)
# "Capt. Frank Drebin (interpretado por Leslie Nielsen)", "Dr. Eileen Cole (sorprendentemente jugado por Fiona Shaw)"
_BRACKETED_PLAYED_BY = spanish_re(
    r"^\s*\(\s*(?:\w+mente\s+)?(?:interpretad|encarnad|jugad|doblad|retratad)[oa]s?\s+por\s+(?:(?:el|la)\s+)?$", re.I
)
# "Tatyana Samojlova (Veronika)", "David Duchovny, (Dr. Eugene Sands)": the honorific belongs to the character.
_BRACKET_OPEN = spanish_re(
    r"\s*(,)?\s*\(((?:Dr|Dra|Sr|Sra|Mr|Mrs|Ms|Miss|Lady|Lord|Sir|Don|Doña)\.?\s+"
    rf"|(?i:{_RANKS})\s+)?"
)


# "el director X (también actuando como el padre)": a second role after the name.
_ALSO_ACTING = spanish_re(
    r"^\s*,?\s*\(?\s*también\s+(?:actuando|act[úu]a|aparece|apareciendo|interpreta|interpretando|encarna)\b", re.I
)
_SENTENCE_END = spanish_re(r"[.!?…]+(?:\s+|$)")  # "antes ... La única": an ellipsis is one boundary
_CHARACTER_TITLES = frozenset(
    "lady lord sir dr dra capitan capitana detective inspector inspectora teniente sargento agente tia tio reina rey "
    "principe princesa conde condesa madame madre padre hermano hermana profesor profesora doctor doctora".split()
)
# "un reportero llamado Andrea Martelli" names a character; "un actor de teatro llamado Toni Servillo" does not.
_NAMED_IN_STORY = spanish_re(
    r"^(?!.*\b(?:actor|actriz|director|directora|cineasta|m[úu]sico|escritor|escritora)\b)"
    r".*\b(?:llamad[oa]s?|de nombre|apodad[oa]s?|conocid[oa]s? como)\s*$",
    re.I,
)
# "las películas de Lorne Michaels": a full name that owns films is a person (its role stays unsaid).
_FILMS_OF = spanish_re(r"\bpel[íi]culas? (?:[\w]+ ){0,3}de\s*$", re.I)


@dataclass
class PersonFacts:
    """A person being assembled from mentions."""

    name: str
    mentions: list[NameSpan] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    character: str | None = None
    rule: str = ""  # the rule that made its first mention a person (facts/rules.py)


# "porque salía Ryan Gosling", "en la que aparece Jack Nicholson": a full name that appears in a film acts
# in it (in the training reviews nearly always; a lone word after these verbs is as often a character).
_APPEARS_BEFORE = spanish_re(r"\b(?:sale|salen|sal[íi]a|sal[íi]an|aparece|aparecen|aparec[íi]a)\s*$", re.I)
# "una banda de jazz (dirigida por X)": a band, choir or gang is led, not directed.
_LED_GROUP = spanish_re(
    r"\b(?:banda|orquesta|coro|grupo|pandilla|equipo|ej[ée]rcito|tropa|escuadr[óo]n|expedici[óo]n|conjunto|secta)"
    r"\b[^.()]{0,40}\(?\s*(?:dirigid[oa]s?|liderad[oa]s?|encabezad[oa]s?) por\s*$",
    re.I,
)


def role_of(text: str, span: NameSpan) -> str | None:
    """The role the words around a mention give it, if any."""
    before = text[max(0, span.start - 60) : span.start]
    after = text[span.end : span.end + 60]
    led_group = bool(_LED_GROUP.search(before))
    # In order of reliability: a cue right before the name, a verb after it, an apposition, a loose cue.
    for patterns, context in ((_BEFORE_TIGHT, before), (_AFTER, after), (_APPOSITION, after), (_BEFORE_LOOSE, before)):
        for role, pattern in patterns:
            if role == "director" and led_group:
                continue
            if pattern.search(context) and not (len(span.tokens) == 1 and _BARE_COMO.match(after)):
                return role
    if len(span.tokens) >= 2 and _BRACKETED_AFTER_WORDS.search(before) and text[span.end : span.end + 1] == ")":
        return "actor"
    if len(span.tokens) >= 2 and _APPEARS_BEFORE.search(before):
        return "actor"
    return None


# "el padre de Carol Robert (Ben Temple)" is MT for "Carol's father Robert (Ben Temple)": the actor plays
# Robert. With a single name ("el marido de Grace (Loretta Young)") the brackets may belong to either, and
# the name is kept.
_RELATIVE_OF = spanish_re(
    r"\b(?:hij[oa]s?|padre|madre|herman[oa]s?|espos[oa]|marido|mujer|novi[oa]|amig[oa]s?|t[íi][oa]|abuel[oa]"
    r"|prim[oa]|sobrin[oa]|compañer[oa]|jefe|jefa|secretari[oa]|ayudante|criad[oa]|mayordomo)"
    r"(?:\s+[a-záéíóúñ]+){0,2}\s+de\s*$",
    re.I,
)


# "un tipo llamado X (Y)", "un tal X (Y)": what a story calls someone is the character's name.
_NAMED_CALLED = spanish_re(r"\b(?:llamad[oa]s?|de nombre|apodad[oa]s?|un tal|una tal)\s+$", re.I)


def _relative_with_name(text: str, span: NameSpan) -> bool:
    return len(span.tokens) == 2 and bool(_RELATIVE_OF.search(text[max(0, span.start - 40) : span.start]))


def character_pairs(text: str, spans: list[NameSpan]) -> dict[int, str]:
    """Index of the actor's span → the character the text pairs with it."""
    pairs: dict[int, str] = {}
    by_start = {s.start: i for i, s in enumerate(spans)}
    for i, span in enumerate(spans):
        # "Veronika (Tatyana Samojlova)" or "Tatyana Samojlova (Veronika)"
        inner = _BRACKET_OPEN.match(text[span.end : span.end + 12])
        if inner:
            j = by_start.get(span.end + inner.end())
            if j is None and inner.group(2):  # the name span took the rank in: "(Sargento Luis Ortega)"
                j = by_start.get(span.end + inner.start(2))
            if j is not None and text[spans[j].end : spans[j].end + 1] == ")":
                actor, character = _who_is_the_actor(span, spans[j], comma=inner.group(1) is not None)
                if actor is span and _NAMED_CALLED.search(text[max(0, span.start - 30) : span.start]):
                    actor, character = spans[j], span  # "un empresario llamado Felix Rebolledo (Esteso)"
                elif inner.group(2):
                    actor, character = span, spans[j]  # "Walton Goggins (Diputado Steve Naish)": a titled part
                title = inner.group(2) or ""
                if spans[j].start < span.end + inner.end():
                    title = ""  # the rank is already part of the name span
                named = title + character.text if character is spans[j] else character.text
                if character is span and _relative_with_name(text, span):
                    named = span.tokens[1]
                pairs[by_start[actor.start]] = named
        # "Jean Servais en el papel de Tony Le Stéphanois", "Will Smith como Tim"
        glue = text[span.end : spans[i + 1].start] if i + 1 < len(spans) else ""
        if _CHARACTER_AFTER.match(glue) and (len(span.tokens) >= 2 or glue.strip() != "como"):
            pairs.setdefault(i, spans[i + 1].text)  # a bare "como" needs a full name: "tan cruel con Ana como Eva"
        elif _PRAISED_AS.match(glue) and len(span.tokens) >= 2:
            pairs.setdefault(i, spans[i + 1].text)
        elif _PLAYED_BY.match(glue) or _BRACKETED_PLAYED_BY.match(glue):
            pairs.setdefault(i + 1, span.text)
    return pairs


def _who_is_the_actor(outside: NameSpan, inside: NameSpan, comma: bool) -> tuple[NameSpan, NameSpan]:
    # IMDb habit is "Character (Actor)"; a one-word name beside a full name is the character, and
    # "Actor, (Character)" is the appositive form.
    if len(outside.tokens) >= 2 and (len(inside.tokens) == 1 or comma):
        return outside, inside
    return inside, outside


def collect_people(
    text: str,
    spans: list[NameSpan],
    per_spans: list[tuple[int, int]],
    blocked: list[tuple[int, int]],
    place_spans: Sequence[tuple[int, int]] = (),
    known: CreditTable | None = None,
) -> list[PersonFacts]:
    """Decide which spans are people, give them roles and characters, merge their mentions.

    `per_spans` and `place_spans` are spaCy's PER and LOC entities (clean offsets); `known`, the
    credits mined from the training reviews, vouches for lone surnames and gives uncued people a role.
    """
    spans = [s for s in spans if not _inside(s, blocked) and fold(s.text) not in GENRES]
    per, places = EntityRanges(per_spans), EntityRanges(place_spans)
    characters = character_pairs(text, spans)
    roles, role_rules = _credited_roles(text, spans, characters)
    makers = _native_credits(text, spans, places, roles, role_rules)
    character_names = {fold(c) for c in characters.values()} | {
        fold(_BRACKET_OPEN.sub("", f"({c}")) for c in characters.values()
    }  # with and without the honorific
    people: dict[str, PersonFacts] = {}
    pending_single: list[tuple[int, NameSpan]] = []
    rules_of = {
        i: role_rules.get(i)
        or (rules.PERSON_MAKER if i in makers else None)
        or _uncredited_person_rule(text, span, per, places)
        for i, span in enumerate(spans)
    }
    _listed_with_people(text, spans, rules_of)
    for i, span in enumerate(spans):
        rule = rules_of[i]
        if i not in characters and _names_a_character(text, span, character_names):
            continue
        if rule is None:
            pending_single.append((i, span))
            continue
        if i not in roles and _story_character(text, span):
            continue
        _add_mention(people, text, span, rule, roles.get(i), characters.get(i))
    unmerged = _merge_surnames(people, pending_single, text)
    if known is not None:
        _add_known(people, text, unmerged, known)
    merged = _merge_partial_names(list(people.values()))
    if known is not None:
        _roles_from_credits(merged, known)
    _makers_direct(merged, {(spans[i].start, spans[i].end) for i in makers})
    _roles_from_sentences(text, merged)  # after merging: "Haneke" the director lends his role to "Michael Haneke"
    _cast_lists(text, merged)
    if known is not None:
        # Last, so that a lone surname taken on the corpus's word gets no role from its sentence's
        # wording (on dev that read most of them as actors), only what the credits say of its owner.
        merged += corpus_surnames(text, spans, merged, character_names, known)
    return merged


def _native_credits(
    text: str,
    spans: list[NameSpan],
    place_spans: EntityRanges,
    roles: dict[int, str],
    role_rules: dict[int, str],
) -> set[int]:
    """Spanish reviewers' own credit phrasing, for spans the role cues left alone.

    "con un Bardem inmenso" credits an actor (added to `roles`); "la última de Almodóvar" names the
    film's maker, whose role is left to the credits table or, failing it, director: the indices returned.
    """
    makers = set()
    for i, span in enumerate(spans):
        if i in roles or place_spans.overlaps(span.start, span.end):
            continue
        before = text[max(0, span.start - 60) : span.start]
        if _MAKER.search(before) and not is_common_word(span.tokens[0]):
            makers.add(i)
        elif _WITH_A.search(before) and (len(span.tokens) >= 2 or _lone_name_judged(text, span)):
            roles[i], role_rules[i] = "actor", rules.PERSON_CREDITED
    return makers


def _lone_name_judged(text: str, span: NameSpan) -> bool:
    """A single uncommon capitalised word followed by an adjective: "Bardem inmenso"."""
    return not is_common_word(span.text) and bool(_ADJECTIVE_AFTER.match(text[span.end : span.end + 30]))


def _makers_direct(people: list[PersonFacts], maker_spans: set[tuple[int, int]]) -> None:
    """A film's maker ("la última de Almodóvar") that nothing else gave a role is its director."""
    for person in people:
        if not person.roles and any((m.start, m.end) in maker_spans for m in person.mentions):
            person.roles.add("director")


def _listed_with_people(text: str, spans: list[NameSpan], rules_of: dict[int, str | None]) -> None:
    """A full name listed next to a person's full name is a person.

    "Verónica Sánchez y Pilar López de Ayala": whatever spaCy's NER called the first (a place).
    """
    changed = True
    while changed:
        changed = False
        for i, span in enumerate(spans):
            if rules_of[i] is not None or len(span.tokens) < 2:
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(spans) or rules_of[j] is None or len(spans[j].tokens) < 2:
                    continue
                a, b = (spans[j], span) if j < i else (span, spans[j])
                if _LIST_GLUE.match(text[a.end : b.start]):
                    rules_of[i], changed = rules.PERSON_LISTED, True
                    break


_CAST_LIST_MIN = 4  # "Ricardo Merino, Juanito Navarro, Alfonso del Real, María Isbert y Jenny Llada"


def _cast_lists(text: str, people: list[PersonFacts]) -> None:
    """Four or more full names in one list, none credited otherwise, are a film's cast."""
    mentions = sorted(((m, p) for p in people for m in p.mentions), key=lambda mp: mp[0].start)
    run: list[tuple[NameSpan, PersonFacts]] = []
    for mention, person in [*mentions, (None, None)]:
        glued = run and mention is not None and _LIST_GLUE.match(text[run[-1][0].end : mention.start])
        if mention is not None and (not run or glued):
            run.append((mention, person))
            continue
        full = [p for m, p in run if len(m.tokens) >= 2]
        if len(run) >= _CAST_LIST_MIN and len(full) >= _CAST_LIST_MIN - 1 and all(p.roles <= {"actor"} for _, p in run):
            for _, p in run:
                p.roles.add("actor")
        run = [(mention, person)] if mention is not None else []


def credited_roles(text: str, spans: list[NameSpan], blocked: list[tuple[int, int]]) -> list[tuple[NameSpan, str]]:
    """The mentions the review's own words credit with a role ("dirigida por X", "X (Uxbal)"), outside `blocked`."""
    spans = [s for s in spans if not _inside(s, blocked)]
    roles, _ = _credited_roles(text, spans, character_pairs(text, spans))
    return [(spans[i], role) for i, role in sorted(roles.items())]


def _credited_roles(
    text: str, spans: list[NameSpan], characters: dict[int, str]
) -> tuple[dict[int, str], dict[int, str]]:
    """The role of each span the text credits, and the rule that credited it, by span index."""
    roles: dict[int, str] = {}
    role_rules: dict[int, str] = {}
    for i, span in enumerate(spans):
        role, rule = role_of(text, span), rules.PERSON_CREDITED
        if role is None and i > 0 and roles.get(i - 1) and _LIST_GLUE.match(text[spans[i - 1].end : span.start]):
            role, rule = roles[i - 1], rules.PERSON_LISTED  # "protagonizada por A, B y C"
        if role is not None:
            roles[i], role_rules[i] = role, rule
    for i in characters:
        if i not in roles:
            roles[i], role_rules[i] = "actor", rules.PERSON_CHARACTER_PAIR
    return roles, role_rules


_INDEFINITE_BEFORE = spanish_re(r"\b(?:un|una|unos|unas)\s+$", re.I)
# "convertirse en James Bond, un papel que…": the name of a part, not of a person.
_A_PART_AFTER = spanish_re(r"^\s*,?\s*(?:un|el|su|otro)\s+(?:papel|personaje|rol)\b", re.I)


def _uncredited_person_rule(
    text: str, span: NameSpan, per_spans: EntityRanges, place_spans: EntityRanges
) -> str | None:
    """Why a span without a credit is a person (a full name spaCy tags, or "las películas de X"), or None."""
    if len(span.tokens) < 2:
        return None
    if _INDEFINITE_BEFORE.search(text[max(0, span.start - 12) : span.start]):
        return None  # "una Femme Fatale", "un Playboy Arrogante": a kind of person, not someone's name
    if _A_PART_AFTER.match(text[span.end : span.end + 30]):
        return None
    if per_spans.overlaps(span.start, span.end):
        return rules.PERSON_FULL_NAME_ENTITY
    if _FILMS_OF.search(text[max(0, span.start - 50) : span.start]) and not place_spans.overlaps(span.start, span.end):
        return rules.PERSON_FILMS_OF
    return None


def _names_a_character(text: str, span: NameSpan, character_names: set[str]) -> bool:
    """Whether the span names a character rather than a person.

    The character itself, its full name ("Vincenzo Buonovolonta" after "Vincenzo (…)"), or the
    relative's owner and name ("Carol Robert" when Robert is the character).
    """
    return (
        fold(span.text) in character_names
        or (len(span.tokens) >= 2 and fold(span.tokens[0]) in character_names)
        or (fold(span.tokens[-1]) in character_names and _relative_with_name(text, span))
    )


def _story_character(text: str, span: NameSpan) -> bool:
    """An uncredited name the story gives: "Lady Tremaine", "un gato callejero llamado Thomas O'Malley"."""
    return fold(span.tokens[0]).rstrip(".") in _CHARACTER_TITLES or bool(
        _NAMED_IN_STORY.search(text[max(0, span.start - 50) : span.start])
    )


def _add_mention(
    people: dict[str, PersonFacts], text: str, span: NameSpan, rule: str, role: str | None, character: str | None
) -> None:
    """Add one mention of a person, with the role and character it carries."""
    person = people.setdefault(fold(span.text), PersonFacts(span.text, rule=rule))
    person.mentions.append(span)
    if role is not None:
        person.roles.add(role)
    if character is not None:
        person.character = character
        person.roles.add("actor")  # "el director Alain Chabat (también actuando como César)"
    if _WRITER_DIRECTOR.search(text[max(0, span.start - 40) : span.start]):
        person.roles |= {"writer", "director"}
    if _ALSO_ACTING.match(text[span.end : span.end + 40]):
        person.roles.add("actor")


def _merge_surnames(people: dict[str, PersonFacts], pending: list[tuple[int, NameSpan]], text: str) -> list[NameSpan]:
    """'Kalatozov' and 'de Kalatozov' join 'Mikhail Kalatozov' when exactly one person has that surname.

    Returns the spans that joined nobody.
    """
    by_surname: dict[str, list[PersonFacts]] = {}
    for person in people.values():
        if len(person.name.split()) >= 2:
            by_surname.setdefault(fold(person.name.split()[-1]), []).append(person)
    left: list[NameSpan] = []
    for _, span in pending:
        owners = by_surname.get(fold(span.text), [])
        if len(owners) == 1:
            owners[0].mentions.append(span)
        else:
            left.append(span)
    return left


def _add_known(people: dict[str, PersonFacts], text: str, spans: list[NameSpan], known: CreditTable) -> None:
    """An uncued name the training reviews credit ("Cera", "Mintz-Plasse") is a person.

    Not a lone surname that two people of this review share ("Newman" beside Paul and Thomas Newman).
    """
    surnames = {fold(p.name.split()[-1]) for p in people.values() if len(p.name.split()) >= 2}
    for span in spans:
        if len(span.tokens) == 1 and (is_common_word(span.text) or fold(span.text) in surnames):
            continue
        if known.knows(span.text) and not _story_character(text, span):
            _add_mention(people, text, span, rules.PERSON_KNOWN, None, None)


MIN_SURNAME_SEEN = 3  # training reviews naming someone of that surname in full (dev: 2 / 3 / 5, 3 best)
_OPENS_CLAUSE = ".!?¡¿:;(…\n"
_QUOTE_MARKS = "\"'«»“”‘’"
# "por interpretar a Hepburn", "da vida a Jane": whom an actor plays is a character (not the noun:
# "la interpretación de Hepburn" is her performance).
_WHOM_PLAYED = spanish_re(
    r"\b(?:interpreta(?:r|ba|ndo)?|interpret[óo]|encarna(?:r|ba|ndo)?|encarn[óo]|d(?:a|io|ar|ando) vida)\s+a\s*$", re.I
)


def corpus_surnames(
    text: str, spans: list[NameSpan], people: list[PersonFacts], character_names: set[str], known: CreditTable
) -> list[PersonFacts]:
    """Lone surnames no rule took that the training reviews know as people: "la huella de Amenábar".

    A capitalised word alone is a person when the training reviews name people of that surname in
    full at least `MIN_SURNAME_SEEN` times (`CreditTable.surname_seen`), unless it is an ordinary
    word, opens a sentence or a bracket (where every word is capitalised), is quoted (a title), is
    a character of this review or follows a character's title ("Sheriff Dean"), or is the surname
    of a full name this review gives (which `_merge_surnames` already settled). Its roles are the
    credits of its likeliest full name.
    """
    taken = {(m.start, m.end) for p in people for m in p.mentions}
    claimed = {fold(p.name) for p in people} | {fold(p.name.split()[-1]) for p in people if len(p.name.split()) >= 2}
    found: dict[str, PersonFacts] = {}
    for span in spans:
        key = fold(span.text)
        if len(span.tokens) != 1 or (span.start, span.end) in taken or key in claimed:
            continue
        if is_common_word(span.text) or key in character_names or not _stands_alone(text, span):
            continue
        seen, owner = known.surname_seen(span.text)
        if seen < MIN_SURNAME_SEEN or _story_character(text, span):
            continue
        if key not in found:
            found[key] = PersonFacts(span.text, rule=rules.PERSON_CORPUS_SURNAME)
            found[key].roles |= known.roles(owner) if owner else set()
        found[key].mentions.append(span)
    return list(found.values())


def _stands_alone(text: str, span: NameSpan) -> bool:
    """Mid-sentence, unquoted, not whom someone plays, and not after a character's title."""
    before = text[max(0, span.start - 60) : span.start].rstrip()  # a window: never the whole text per name
    if not before or before[-1] in _OPENS_CLAUSE:
        return False
    if before[-1] in _QUOTE_MARKS or text[span.end : span.end + 1] in _QUOTE_MARKS:
        return False
    if _WHOM_PLAYED.search(text[max(0, span.start - 40) : span.start]):
        return False
    previous = before.rsplit(maxsplit=1)[-1]  # `before` is not empty here
    return fold(previous).rstrip(".") not in _CHARACTER_TITLES


def _roles_from_credits(people: list[PersonFacts], known: CreditTable) -> None:
    """A person the review's words give no role takes the roles the training reviews credit it with."""
    for person in people:
        if not person.roles:
            person.roles |= known.roles_of_person(person.name)


# What a sentence says a role-less person did: the role word nearest the name wins ("Como director
# probablemente no sea el más incendiario", "José Luis Alcaine hace magia en la fotografía").
_NOT_A_CREDIT = spanish_re(
    r"\b(?:direcci[óo]n art[íi]stica|director(?:a)? de arte|direcci[óo]n de actores|dirigid[oa] a)\b", re.I
)
_CONTEXT_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cinematographer", spanish_re(r"\b(?:fotograf[íi]a|cinematograf[íi]a|director(?:a)? de fotograf[íi]a)\b", re.I)),
    ("composer", spanish_re(r"\b(?:m[úu]sica|banda sonora|partitura|compositor(?:a)?)\b", re.I)),
    # Not "guion" alone: "el guion es flojo" is said next to actors' names as often as writers'.
    ("writer", spanish_re(r"\b(?:guionistas?|libretistas?)\b", re.I)),
    (
        "director",
        spanish_re(
            r"\b(?:director(?:a)?|direcci[óo]n|dirige|dirigi[óo]|dirig[íi]a|dirigir|dirigid[oa]|cineasta|realizador(?:a)?"
            r"|[óo]pera prima|puesta en escena)\b",
            re.I,
        ),
    ),
)
# "La fotografía de Roger Deakins", "el director Mikhail Kalatozov": a crew word that introduces a name
# is that name's credit, not a hint for the other names nearby.
_CREDITS_ANOTHER = spanish_re(
    r"\b(?:fotograf[íi]a|cinematograf[íi]a|m[úu]sica|banda sonora|partitura|guionistas?|direcci[óo]n|director(?:a)?)"
    r"\s+(?:(?:de|del)\s+)?(?=(?-i:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]))",
    re.I,
)
_ROLE_REACH = 60  # characters between a name and a role word of its own sentence
_OPENING_REACH = 40  # "…Martínez-Lázaro es una de mis debilidades. Como director, …": the next sentence's opening


def _nearest_role(text: str, start: int, end: int, lo: int, hi: int, reach: int) -> str | None:
    """The crew role word (not acting) nearest the mention within text[lo:hi], if within `reach`."""
    masked = _NOT_A_CREDIT.sub(lambda m: " " * len(m.group(0)), text[lo:hi])
    # A crew word that introduces a name is that name's credit, not a hint for the other names (`_CREDITS_ANOTHER`).
    masked = _CREDITS_ANOTHER.sub(lambda m: " " * len(m.group(0)), masked)
    best: tuple[int, str] | None = None
    for role, pattern in _CONTEXT_ROLES:
        for m in pattern.finditer(masked):
            a, b = lo + m.start(), lo + m.end()
            distance = start - b if b <= start else a - end
            if distance >= 0 and (best is None or distance < best[0]):
                best = (distance, role)
        # "director de fotografía": once read as the cinematographer's, not also the director's
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    return best[1] if best is not None and best[0] <= reach else None


def _roles_from_sentences(text: str, people: list[PersonFacts]) -> None:
    """A role-less person takes the role its sentence speaks of (`_context_role` of its first telling mention)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    for person in people:
        if person.roles:
            continue
        for mention in sorted(person.mentions, key=lambda m: m.start):
            role = _context_role(text, mention, ends)
            if role is not None:
                person.roles.add(role)
                break


def _context_role(text: str, mention: NameSpan, ends: list[int]) -> str | None:
    """The role the sentence around a mention speaks of, without crediting the name itself.

    In order: a crew word near the name in its own sentence ("hace magia en la fotografía"); acting
    words in its sentence or the one before (an actor); a crew word opening the next sentence.
    """
    before = [e for e in ends if e <= mention.start]
    own_start = before[-1] if before else 0
    own_end = next((e for e in ends if e > mention.end), len(text))
    role = _nearest_role(text, mention.start, mention.end, own_start, own_end, _ROLE_REACH)
    if role == "director" and _LED_GROUP.search(text[max(0, mention.start - 60) : mention.start]):
        role = None  # "una banda de jazz (dirigida por …)": a band is led, not directed
    start = before[-2] if len(before) >= 2 else 0  # the mention's sentence and the one before it
    if role is None and _ACTING_WORDS.search(text[start:own_end]):
        role = "actor"
    if role is None:
        role = _nearest_role(text, mention.start, mention.end, own_end, own_end + _OPENING_REACH, 10**6)
    return role


def _merge_partial_names(people: list[PersonFacts]) -> list[PersonFacts]:
    """A one-word person ('Dassin') that is the surname of a full-name person joins it."""
    full = [p for p in people if len(p.name.split()) >= 2]
    kept = []
    for person in people:
        owners = [p for p in full if len(person.name.split()) == 1 and fold(p.name.split()[-1]) == fold(person.name)]
        if len(owners) == 1:
            owners[0].mentions.extend(person.mentions)
            owners[0].roles |= person.roles
            owners[0].character = owners[0].character or person.character
        else:
            kept.append(person)
    # A lone frequent word with no role ("Sensaciones") is not a person; anything with a role or two words is.
    return [
        p
        for p in kept
        if (p.roles or len(p.name.split()) > 1 or not is_common_word(p.name))
        and len(set(fold(p.name).split())) == len(p.name.split())
    ]  # "Corny Corny" is an echo, not a name


class EntityRanges:
    """The entity ranges of one spaCy label, searched by bisection.

    Each name span asks, and a long text has thousands of both. Entities never overlap, so their
    ends are sorted like their starts.
    """

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges)
        self.starts = [a for a, _ in self.ranges]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some range overlaps [start, end)."""
        i = bisect_left(self.starts, end)  # ranges[:i] start before `end`; the last of them ends latest
        return i > 0 and self.ranges[i - 1][1] > start


def _inside(span: NameSpan, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= span.start and span.end <= b for a, b in ranges)
