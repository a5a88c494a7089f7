"""What the training reviews credit people with: a table of names and roles mined from explicit credits.

A review that writes "dirigida por Brett Ratner" or "Javier Bardem (Uxbal)"
credits a role in words the facts rules read precisely
(`people.credited_roles`). Over the training parts of MuchoCine and IMDB-es
(`critica.corpora`; never their held-out films and rows, nor the reviews of
`gold/gold_dev.jsonl`) those credits add up to what each name usually does.
A later review that names the person without a cue ("la nueva de Ratner",
"Cera está genial") then gets the role the corpus gave them, and a lone
surname the corpus knows under exactly one full name is a person.

The table also counts, for every full name spaCy reads as a person in the
training reviews, how many reviews name it (`people_seen`): a lone surname
that no cue credits ("la huella de Amenábar", "por Coppola y Leone") is a
person when the training reviews name people of that surname often enough
(`people.corpus_surnames`).

The table is data, not rules: `critica train-credits` rebuilds it from
`../shared/data` (`make model-people`), and `Config(credits=False)` turns it
off, so its effect is measured alone.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from critica.errors import CriticaError
from critica.facts.names import fold

BUNDLED = Path(__file__).resolve().parent.parent / "models" / "film-people" / "credits.json"
FORMAT = 2  # 2: with `people_seen`
MIN_CREDITS = 2  # a name credited once may be one review's slip ("Amenábar" as the photographer)
MIN_SHARE = 0.5  # a role given in at least half of a name's credits is one of its roles
# Credited in at least this share of its mentions: people score 0.2–0.5 in the training reviews, and
# capitalised words a cue sometimes misreads ("Estados Unidos" 0.01, a surname alone "Spielberg" 0.01) far less.
MIN_RATE = 0.15


class CreditTableError(CriticaError, RuntimeError):
    """The credits file is missing or unreadable."""


@dataclass
class CreditTable:
    """What the training reviews credit each name with, by folded name (`fold`).

    `counts`: {"john williams": {"composer": 10}}; `mentions`: how often each credited name occurs at
    all, credited or not; `namesakes`: per surname of a credited full name, how many different full
    names with that surname the reviews mention twice or more ("miller": Sienna, Frank, George…);
    `people_seen`: per full name spaCy tags as a person, the number of training reviews naming it.
    """

    counts: dict[str, dict[str, int]]
    mentions: dict[str, int]
    namesakes: dict[str, int]
    people_seen: dict[str, int] = field(default_factory=dict)
    min_credits: int = MIN_CREDITS
    min_share: float = MIN_SHARE
    min_rate: float = MIN_RATE
    _surnames: dict[str, list[str]] = field(init=False, repr=False)
    _seen_by_surname: dict[str, tuple[int, str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        surnames = defaultdict(list)
        for name in self.counts:
            if len(name.split()) >= 2 and self._vouched(name):
                surnames[name.split()[-1]].append(name)
        self._surnames = dict(surnames)
        owners: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for name, reviews in self.people_seen.items():
            owners[name.split()[-1]].append((reviews, name))
        # Per surname: the reviews of all its full names, and the likeliest of them (most reviews).
        self._seen_by_surname = {s: (sum(n for n, _ in o), max(o)[1]) for s, o in owners.items()}

    def _vouched(self, key: str) -> bool:
        """Credited often enough, and in a large enough share of its mentions, to be a person."""
        total = sum(self.counts.get(key, {}).values())
        return total >= self.min_credits and total >= self.min_rate * self.mentions.get(key, total)

    def roles(self, name: str) -> set[str]:
        """The roles the corpus credits the full name `name` with (empty: unknown, rare or a lone word)."""
        key = fold(name)
        if len(key.split()) < 2 or not self._vouched(key):
            return set()  # a lone word's credits mix every person of that surname
        found = self.counts[key]
        total = sum(found.values())
        return {role for role, n in found.items() if n / total >= self.min_share}

    def full_name(self, surname: str) -> str | None:
        """The full name a lone `surname` stands for: one well-credited owner and no namesake (else None)."""
        key = fold(surname)
        owners = self._surnames.get(key, [])
        return owners[0] if len(owners) == 1 and self.namesakes.get(key, 1) <= 1 else None

    def knows(self, name: str) -> bool:
        """Whether `name` (a full name, or a surname with one owner) is a well-credited person."""
        return bool(self.roles(name)) or (len(name.split()) == 1 and self.full_name(name) is not None)

    def roles_of_person(self, name: str) -> set[str]:
        """`roles(name)`, or for a lone surname its one full name's roles."""
        roles = self.roles(name)
        if roles or len(name.split()) != 1:
            return roles
        owner = self.full_name(name)
        return self.roles(owner) if owner else set()

    def surname_seen(self, surname: str) -> tuple[int, str | None]:
        """How many training reviews name a person of this surname in full, and the likeliest full name."""
        return self._seen_by_surname.get(fold(surname), (0, None))

    @classmethod
    def load(cls, path: Path = BUNDLED) -> CreditTable:
        """Read a table written by `save` (`critica train-credits`)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"credits format {data.get('format')!r}, expected {FORMAT}")
            return cls(
                {name: dict(roles) for name, roles in data["counts"].items()},
                dict(data["mentions"]),
                dict(data["namesakes"]),
                dict(data["people_seen"]),
            )
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            raise CreditTableError(
                f"cannot read the credits table {path}: {exc!r}; rebuild it with `critica train-credits`"
            ) from exc

    def save(self, path: Path, sources: dict[str, int]) -> None:
        """Write the table (keys sorted, so a rebuild gives the same bytes) with the reviews it came from."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "sources": sources,
            "counts": {name: dict(sorted(self.counts[name].items())) for name in sorted(self.counts)},
            "mentions": dict(sorted(self.mentions.items())),
            "namesakes": dict(sorted(self.namesakes.items())),
            "people_seen": dict(sorted(self.people_seen.items())),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def mine_credits(texts: Iterable[str]) -> CreditTable:
    """The credits of a set of reviews: each mention the review's own words credit adds one to (name, role)."""
    from critica.facts.awards import awards_and_festivals
    from critica.facts.films import extract_films
    from critica.facts.names import name_spans
    from critica.facts.people import credited_roles
    from critica.text import prepare

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    mentions: Counter[str] = Counter()
    for raw in texts:
        doc = prepare(raw)
        text = doc.text
        sentences = [(s.clean_start, s.clean_end) for s in doc.sentences]
        # Titles and prizes are never people; spaCy's entities are not needed for that (and cost a parse).
        blocked = [(f.start, f.end) for f in extract_films(text, [], ())]
        awards, festivals = awards_and_festivals(text, sentences)
        blocked += [(a.start, a.end) for a in [*awards, *festivals]]
        spans = name_spans(text)
        mentions.update(fold(span.text) for span in spans)
        for span, role in credited_roles(text, spans, blocked):
            counts[fold(span.text)][role] += 1
    surnames = {name.split()[-1] for name in counts if len(name.split()) >= 2}
    namesakes: Counter[str] = Counter(
        name.split()[-1] for name, n in mentions.items() if n >= 2 and len(name.split()) >= 2
    )
    return CreditTable(
        {name: dict(roles) for name, roles in counts.items()},
        {name: mentions[name] for name in counts},
        {surname: namesakes[surname] for surname in surnames},
    )


def full_person_names(text: str, ents: Iterable[tuple[int, int, str]]) -> set[str]:
    """The folded full names (two or three words) that spaCy's PER entities give in a clean text."""
    names = set()
    for start, end, label in ents:
        words = text[start:end].split()
        # Short words may be lower case ("Guillermo del Toro"); the others must be capitalised.
        if label == "PER" and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words if len(w) > 3):
            names.add(fold(" ".join(words)))
    return names


def count_people_seen(texts: list[str], ents: list[list[tuple[int, int, str]]]) -> dict[str, int]:
    """Per folded full name, the number of texts whose spaCy entities name it as a person."""
    seen: Counter[str] = Counter()
    for text, found in zip(texts, ents, strict=True):
        seen.update(full_person_names(text, found))
    return dict(seen)


def train_credits(
    root: Path, out: Path, log: Callable[[str], None] = print, entities: Path | None = None
) -> CreditTable:
    """Mine the training parts of MuchoCine and IMDB-es under `root` and write `out/credits.json`.

    `entities`: the cache of spaCy's entities of the training reviews (default: the one `critica
    train-titles` shares, `title_train.ENTITIES`; built here when missing: about 3 minutes).
    """
    from critica import corpora
    from critica.facts.title_train import ENTITIES, cached_entities, title_forms
    from critica.text import prepare

    gold = root / "gold" / "gold_dev.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines() if gold.exists() else []
    gold_ids = {json.loads(line)["id"] for line in lines if line.strip()}
    muchocine = [r for r in corpora.muchocine(root) if not r.test]
    imdb_es = [r for r in corpora.imdb_es(root) if not r.test and r.id not in gold_ids]
    rows = muchocine + imdb_es
    mined = mine_credits([r.text for r in rows])
    titles = {fold(form) for row in muchocine for form in title_forms(row.group)}
    kept = {name: roles for name, roles in mined.counts.items() if name not in titles}  # "American Pie" is a film
    cleans = [prepare(r.text).text for r in rows]
    seen = count_people_seen(cleans, cached_entities(cleans, [r.id for r in rows], entities or ENTITIES))
    seen = {name: n for name, n in seen.items() if name not in titles}
    table = CreditTable(kept, {name: mined.mentions[name] for name in kept}, mined.namesakes, seen)
    table.save(out / "credits.json", {"muchocine": len(muchocine), "imdb_es": len(imdb_es)})
    log(
        f"credits of {len(table.counts)} names and {len(seen)} full names seen as people, from "
        f"{len(muchocine)} MuchoCine and {len(imdb_es)} IMDB-es reviews"
    )
    return table
