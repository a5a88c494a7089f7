"""Per-film reports from the store: terminal table, CSV, JSON and a self-contained HTML page."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from pathlib import Path
from typing import Any

from critica.schema import ASPECT_IDS
from critica.store.database import ReviewStore


def to_csv(films: list[dict[str, Any]], path: Path) -> None:
    """One row per film; nested fields as JSON text."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "film",
                "reviews",
                "positive_share",
                "ci95_low",
                "ci95_high",
                "mean_p_positive",
                "mean_rating",
                "rating_ci95_low",
                "rating_ci95_high",
                "machine_translated_share",
                "text_names_another_film",
                "aspects",
                "people",
                "awards",
                "festivals",
            ]
        )
        for f in films:
            writer.writerow(
                [
                    f["film"],
                    f["reviews"],
                    f["positive_share"],
                    *f["positive_ci95"],
                    f["mean_p_positive"],
                    f["mean_rating"],
                    *(f["rating_ci95"] or ["", ""]),
                    f["machine_translated_share"],
                    f["text_names_another_film"]["reviews"],
                    json.dumps(f["aspects"], ensure_ascii=False),
                    json.dumps(f["people"], ensure_ascii=False),
                    json.dumps(f["awards"], ensure_ascii=False),
                    json.dumps(f["festivals"], ensure_ascii=False),
                ]
            )


def to_json(films: list[dict[str, Any]] | dict[str, Any], path: Path) -> None:
    """The report data as JSON."""
    path.write_text(json.dumps(films, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(store: ReviewStore, films: list[dict[str, Any]]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots = {}
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(store.scores(), bins=20, range=(0, 1), color="#3b6ea5")
    ax.set_xlabel("P(positiva)")
    ax.set_ylabel("reseñas")
    ax.set_title("Distribución de polaridad")
    plots["polaridad"] = _png(fig)

    shown = films[:15]
    fig, ax = plt.subplots(figsize=(7, 0.4 * max(len(shown), 3) + 1))
    names = [f["film"] for f in shown]
    positive = [sum(a["positive"] for a in f["aspects"].values()) for f in shown]
    negative = [sum(a["negative"] for a in f["aspects"].values()) for f in shown]
    mixed = [sum(a["mixed"] for a in f["aspects"].values()) for f in shown]
    ax.barh(names, positive, color="#2e7d32", label="positivo")
    ax.barh(names, negative, left=positive, color="#c62828", label="negativo")
    ax.barh(names, mixed, left=[p + n for p, n in zip(positive, negative, strict=True)], color="#9e9e9e", label="mixto")
    ax.invert_yaxis()
    ax.set_xlabel("juicios de aspecto")
    ax.set_title("Balance de aspectos por película")
    ax.legend(fontsize=8)
    plots["aspectos"] = _png(fig)

    timeline = store.timeline()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar([d for d, _ in timeline], [n for _, n in timeline], color="#6a5acd")
    ax.set_title("Reseñas añadidas al almacén por día")
    ax.tick_params(axis="x", rotation=45)
    plots["historial"] = _png(fig)
    return plots


def _stars(film: dict[str, Any]) -> str:
    if film["mean_rating"] is None:
        return "—"
    interval = film["rating_ci95"]
    return f"{film['mean_rating']:.1f}" + (f" ({interval[0]:.1f}–{interval[1]:.1f})" if interval else "")


def _other_films(film: dict[str, Any]) -> str:
    other = film["text_names_another_film"]
    if not other["reviews"]:
        return ""
    return f"{other['reviews']}: " + "; ".join(f"{e['review']} → {e['text_film']}" for e in other["examples"])


def to_html(store: ReviewStore, films: list[dict[str, Any]], path: Path) -> None:
    """A self-contained HTML report (plots embedded, no external assets)."""
    plots = _plots(store, films)
    rows = []
    for f in films:
        aspects = ", ".join(
            f"{a}: +{c['positive']}/−{c['negative']}" for a, c in f["aspects"].items() if a in ASPECT_IDS
        )
        people = ", ".join(f"{p['name']} ({', '.join(p['roles']) or '—'})" for p in f["people"])
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    f["film"],
                    f["reviews"],
                    f"{f['positive_share']:.0%}",
                    f"{f['positive_ci95'][0]:.0%}–{f['positive_ci95'][1]:.0%}",
                    f"{f['mean_p_positive']:.2f}",
                    _stars(f),
                    aspects,
                    people,
                    ", ".join(f["awards"]),
                    ", ".join(f["festivals"]),
                    f"{f['machine_translated_share']:.0%}",
                    _other_films(f),
                )
            )
            + "</tr>"
        )
    images = "".join(
        f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}"></figure>'
        for name, data in plots.items()
    )
    page = f"""<!doctype html><html lang="es"><head><meta charset="utf-8"><title>critica — informe por película</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .5rem;font-size:.9rem;vertical-align:top}}th{{background:#eee}}
figure{{display:inline-block;margin:1rem}}</style></head><body>
<h1>Informe por película</h1><p>{store.count()} reseñas en {html.escape(str(store.path))}</p>{images}
<table><thead><tr><th>película</th><th>reseñas</th><th>% positivas</th><th>IC 95%</th><th>P(positiva) media</th>
<th>estrellas (IC 95%)</th>
<th>aspectos</th><th>personas</th><th>premios</th><th>festivales</th><th>% traducción automática</th>
<th>el texto reseña otra película</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></body></html>"""
    path.write_text(page, encoding="utf-8")
