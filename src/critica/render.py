"""Readable terminal output (Rich) for the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from critica.schema import Analysis

_LABELS_ES = {"positive": "POSITIVA", "negative": "NEGATIVA"}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _polarity_style(polarity: float) -> str:
    if polarity >= 0.2:
        return "green" if polarity < 0.6 else "bold green"
    if polarity <= -0.2:
        return "red" if polarity > -0.6 else "bold red"
    return "default"


def _verdict(analysis: Analysis) -> Text:
    s = analysis.sentiment
    if s.label is None:
        reason = "; ".join(f"{e.code}: {e.message}" for e in analysis.errors) or "no verdict"
        return Text(f"sin veredicto — {reason}", style="yellow")
    colour = "green" if s.label == "positive" else "red"
    return Text.assemble(
        ("Veredicto: ", "bold"),
        (_LABELS_ES[s.label], f"bold {colour}"),
        f"  (probabilidad {s.score:.2f}",
        f", valoración {s.rating:.1f}/5" if s.rating is not None else "",
        f", idioma {analysis.language}, modelo {s.model})",
    )


def print_analysis(analysis: Analysis, original: str | None = None, console: Console | None = None) -> None:
    """One review in full: verdict, sentences tinted by polarity, deciding passages."""
    console = console or _console()
    console.rule(f"[bold]{analysis.id}")
    console.print(_verdict(analysis))
    if analysis.sentences and original is not None:
        body = Text()
        for sentence in analysis.sentences:
            body.append(original[sentence.start : sentence.end], style=_polarity_style(sentence.polarity))
            body.append(" ")
        console.print(Text("\nFrases (verde: positiva, rojo: negativa)", style="bold"))
        console.print(body)
    if analysis.evidence:
        console.print(Text("\nPasajes decisivos", style="bold"))
        for item in analysis.evidence:
            style = "green" if item.weight > 0 else "red"
            console.print(
                Text.assemble((f"{item.weight:+.2f} ", style), f"[{item.start}:{item.end}] ", (item.text, style))
            )
    _print_aspects(analysis, console)
    _print_facts(analysis, console)
    _print_quality(analysis, console)
    for error in analysis.errors:
        console.print(Text(f"aviso {error.code}: {error.message}", style="yellow"))


_ASPECT_STYLE = {"positive": "green", "negative": "red", "mixed": "yellow"}


def _print_aspects(analysis: Analysis, console: Console) -> None:
    if not analysis.aspects:
        return
    console.print(Text("\nAspectos", style="bold"))
    for aspect in analysis.aspects:
        mention = aspect.mentions[0].text if aspect.mentions else ""
        console.print(
            Text.assemble(
                (f"  {aspect.aspect:11s} {aspect.polarity:8s} {aspect.score:.2f}  ", _ASPECT_STYLE[aspect.polarity]),
                (mention[:100], "dim"),
            )
        )


def _print_facts(analysis: Analysis, console: Console) -> None:
    facts = analysis.facts
    if not (facts.films or facts.people or facts.awards or facts.festivals):
        return
    console.print(Text("\nDatos", style="bold"))
    rule = {(hit.kind, hit.index): f"  ⟨{hit.rule}⟩" for hit in analysis.explain}  # with --explain
    lines = []
    for i, film in enumerate(facts.films):
        original = f"original: {film.original_title}" if film.original_title else ""
        extra = ", ".join(x for x in (original, str(film.year or "")) if x)
        reviewed = " ← reseñada" if film.reviewed else ""
        shown = f"  película: {film.title}" + (f" ({extra})" if extra else "") + reviewed
        lines.append(shown + rule.get(("films", i), ""))
    for i, person in enumerate(facts.people):
        character = f" como {person.character}" if person.character else ""
        shown = f"  persona: {person.name} [{', '.join(person.roles) or '—'}]{character}"
        lines.append(shown + rule.get(("people", i), ""))
    for i, award in enumerate(facts.awards):
        parts = (award.award, award.event, award.year, award.film)
        lines.append(f"  premio: {' · '.join(str(x) for x in parts if x)}" + rule.get(("awards", i), ""))
    for festival in facts.festivals:
        lines.append(f"  festival: {festival.festival}" + (f" · {festival.year}" if festival.year else ""))
    for line in lines:
        console.print(Text(line))  # Text, not markup: "[director]" must print as written


def _print_quality(analysis: Analysis, console: Console) -> None:
    quality = analysis.quality
    if quality.machine_translation is None:
        return
    console.print(Text("\nTraducción", style="bold"))
    console.print(Text(f"  probabilidad de traducción automática: {quality.machine_translation:.2f}"))
    for fragment in quality.untranslated:
        where = f"[{fragment.start}:{fragment.end}]"
        console.print(Text(f"  sin traducir ({fragment.language}) {where}: {fragment.text}", style="magenta"))
    for note in quality.notes:
        console.print(Text(f"  nota: {note}"))


def print_analyses(results: Iterable[tuple[Analysis, str | None]]) -> None:
    """A single review in full; several as one summary table."""
    console = _console()
    items = list(results)
    if len(items) == 1:
        print_analysis(items[0][0], items[0][1], console)
        return
    table = Table(title="critica")
    for column in ("id", "veredicto", "prob.", "estrellas", "frases", "errores"):
        table.add_column(column)
    for analysis, _ in items:
        s = analysis.sentiment
        table.add_row(
            analysis.id,
            _LABELS_ES.get(s.label or "", "—"),
            f"{s.score:.2f}" if s.score else "—",
            f"{s.rating:.1f}" if s.rating is not None else "—",
            str(len(analysis.sentences)),
            ", ".join(e.code for e in analysis.errors),
        )
    console.print(table)


def print_metrics(report: dict[str, Any]) -> None:
    """Evaluation figures as a table."""
    console = _console()
    table = Table(title=f"Evaluación: {report.get('source', '')}")
    table.add_column("métrica")
    table.add_column("valor", justify="right")
    for key in ("n", "accuracy", "macro_f1", "roc_auc", "brier", "ece"):
        table.add_row(key, str(report[key]))
    for key, value in report.get("rating", {}).items():
        table.add_row(f"rating {key}", str(value))
    console.print(table)
    console.print(f"confusion matrix: {report['confusion_matrix_png']}")
    console.print(f"reliability diagram: {report['reliability_png']}")
    if "rating_confusion_png" in report:
        console.print(f"rating confusion matrix: {report['rating_confusion_png']}")
    if "warning" in report:
        console.print(Text(f"warning: {report['warning']}", style="yellow"))


def print_gold_scores(scores: dict[str, Any]) -> None:
    """Precision/recall/F1 per item kind, then what was missed and what was invented."""
    console = _console()
    table = Table(title="Extracción frente al oro")
    for column in ("tipo", "precisión", "exhaustividad", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="right" if column != "tipo" else "left")
    for kind, score in scores.items():
        d = score.to_dict()
        table.add_row(
            kind,
            f"{d['precision']:.3f}",
            f"{d['recall']:.3f}",
            f"{d['f1']:.3f}",
            str(d["tp"]),
            str(d["fp"]),
            str(d["fn"]),
        )
    console.print(table)
    for kind, score in scores.items():
        if score.misses:
            console.print(Text(f"missed {kind}: ", style="bold") + Text("; ".join(score.misses)))
        if score.false_alarms:
            console.print(Text(f"invented {kind}: ", style="bold") + Text("; ".join(score.false_alarms)))


def _film_stars(film: dict[str, Any]) -> str:
    if film.get("mean_rating") is None:
        return "—"
    interval = film.get("rating_ci95")
    return f"{film['mean_rating']:.1f}" + (f" ({interval[0]:.1f}–{interval[1]:.1f})" if interval else "")


def print_films(films: list[dict[str, Any]]) -> None:
    """The per-film report as a terminal table."""
    console = _console()
    table = Table(title="Películas")
    for column in (
        "película",
        "reseñas",
        "% positivas (IC 95%)",
        "P media",
        "estrellas (IC 95%)",
        "aspectos +/−",
        "personas",
        "premios",
        "% TA",
        "otra película en el texto",
    ):
        table.add_column(column)
    for f in films:
        low, high = f["positive_ci95"]
        aspects = " ".join(f"{a}:{c['positive']}/{c['negative']}" for a, c in f["aspects"].items())
        people = ", ".join(p["name"] for p in f["people"][:3])
        table.add_row(
            f["film"],
            str(f["reviews"]),
            f"{f['positive_share']:.0%} ({low:.0%}–{high:.0%})",
            f"{f['mean_p_positive']:.2f}",
            _film_stars(f),
            aspects,
            people,
            ", ".join(f["awards"]),
            f"{f['machine_translated_share']:.0%}",
            str(f["text_names_another_film"]["reviews"] or ""),
        )
    console.print(table)


def print_film(film: dict[str, Any]) -> None:
    """One film's report with its strongest passages."""
    print_films([film])
    console = _console()
    for title, key, style in (
        ("Pasajes más positivos", "strongest_positive", "green"),
        ("Pasajes más negativos", "strongest_negative", "red"),
    ):
        console.print(Text(title, style="bold"))
        for passage in film[key]:
            console.print(Text(f"  {passage['weight']:+.2f} [{passage['review']}] {passage['text']}", style=style))


def print_checks(checks: list[tuple[str, bool, str]]) -> bool:
    """Doctor's findings; returns True when everything needed works."""
    console = _console()
    for name, ok, detail in checks:
        mark = Text("✓ ", style="green") if ok else Text("✗ ", style="red")
        console.print(Text.assemble(mark, (f"{name}: ", "bold"), detail))
    return all(ok for _, ok, _ in checks)
