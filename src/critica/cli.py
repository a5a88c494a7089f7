"""The `critica` command line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from critica.io.readers import InputRow, UnusableInput, read_reviews

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Understand Spanish film reviews, offline.")


# Options several commands share, declared once.
IdColumn = Annotated[str, typer.Option(help="Id column (csv/jsonl/parquet).")]
TextColumn = Annotated[str, typer.Option(help="Review text column (csv/jsonl/parquet).")]
LabelColumn = Annotated[str, typer.Option(help="Label column (positive/negative).")]
FastTier = Annotated[bool, typer.Option("--fast", help="Sparse-only polarity tier (no encoder); = --tier fast.")]
TierName = Annotated[str | None, typer.Option("--tier", help="A registered polarity tier by name (default: default).")]
EncoderRuntime = Annotated[
    str | None,
    typer.Option(help="How the default tier's encoder runs: onnx-int8 (default), onnx-float32 or numpy (reference)."),
]
ModelFolder = Annotated[Path | None, typer.Option(help="A model folder written by `critica train`.")]
CatalogFile = Annotated[
    Path | None,
    typer.Option(help="CSV of your films (id, title, original_title, year): film mentions get your film ids."),
]
StoreFile = Annotated[Path, typer.Option("--db", help="The DuckDB file.")]
# train-titles' --work, whose cached spaCy entities of the training reviews train-reviewed reuses.
TitlesWork = Annotated[Path, typer.Option(help="Folder for spaCy's entities of the training reviews (resumable).")]


class OutputFormat(StrEnum):
    """How `analyze` prints results."""

    table = "table"
    json = "json"
    jsonl = "jsonl"


class Recipe(StrEnum):
    """Training recipes: each bundled tier is built by the recipe of the same name."""

    default = "default"
    fast = "fast"


def fail(message: str, code: int = 2) -> None:
    """Print one clear line on stderr and exit non-zero."""
    typer.echo(f"critica: error: {message}", err=True)
    raise typer.Exit(code)


def _config(fast: bool = False, tier: str | None = None, model: Path | None = None, **values: Any):
    """The run's `critica.Config` from the shared options; a bad value is one clear line."""
    from critica.config import Config
    from critica.errors import ConfigError

    if fast and tier not in (None, "fast"):
        fail(f"--fast and --tier {tier} disagree; give one of them")
    values = {name: value for name, value in values.items() if value is not None}
    try:
        return Config(tier=tier or ("fast" if fast else "default"), model_path=model, **values)
    except ConfigError as exc:
        fail(str(exc))


def _pipeline(config):
    from critica.errors import CriticaError
    from critica.pipeline import Pipeline
    from critica.sentiment.model import ModelFormatError

    pipeline = Pipeline.from_config(config)
    try:
        _ = pipeline.stages  # load now, so a bad --model is an argument error, not N row errors
    except (ModelFormatError, CriticaError) as exc:  # a bad model folder or catalogue names itself
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. the encoder cannot load
        fail(f"cannot load the polarity model ({exc}); run `critica doctor`")
    return pipeline


def _analyse_row(pipeline, row: InputRow):
    return pipeline.analyze_row(row.text, row.id, row.problem, fallback_id=f"row{row.row}")


@app.command()
def analyze(
    path: Annotated[str, typer.Argument(help="A .txt review, a .csv/.jsonl/.parquet file, or - for stdin.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    id_col: IdColumn = "id",
    text_col: TextColumn = "review",
    fast: FastTier = False,
    tier: TierName = None,
    model: ModelFolder = None,
    encoder_runtime: EncoderRuntime = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show which named rule found each fact (adds the 'explain' key).")
    ] = False,
    catalog: CatalogFile = None,
) -> None:
    """Analyse reviews and print the contract object for each (in input order)."""
    config = _config(fast, tier, model, explain=explain, encoder_runtime=encoder_runtime, catalog=catalog)
    try:
        rows = read_reviews(path, id_col=id_col, text_col=text_col)
    except UnusableInput as exc:
        fail(str(exc))
    pipeline = _pipeline(config)
    results = (_analyse_row(pipeline, row) for row in rows) if format is not OutputFormat.table else None
    if format is OutputFormat.jsonl:
        for result in results:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif format is OutputFormat.json:
        items = [r.to_dict() for r in results]
        single = path == "-" or Path(path).suffix.lower() == ".txt"
        sys.stdout.write(json.dumps(items[0] if single else items, ensure_ascii=False, indent=2) + "\n")
    else:
        from critica.render import print_analyses

        print_analyses((_analyse_row(pipeline, row), row.text) for row in rows)


@app.command()
def train(
    out: Annotated[Path, typer.Option(help="Folder to write the model into.")],
    data: Annotated[Path | None, typer.Option(help="Labelled reviews (csv/jsonl/parquet).")] = None,
    corpora: Annotated[
        Path | None, typer.Option(help="The shared data folder: train the bundled recipe (see the MODEL_CARD).")
    ] = None,
    tier: Annotated[Recipe, typer.Option(help="Which tier's recipe to train.")] = Recipe.default,
    lexicons: Annotated[
        Path | None,
        typer.Option(
            help="Folder with ml_senticon/, isol/, elhpolar/, or a model's lexicon.json: its words count as"
            " polarity classes (default: --corpora's lexicons/, else the bundled models' lexicon.json)."
        ),
    ] = None,
    lexicon: Annotated[
        bool, typer.Option("--lexicon/--no-lexicon", help="Count lexicon words' polarity classes as features.")
    ] = True,
    text_col: TextColumn = "review",
    label_col: LabelColumn = "sentiment",
    rating_col: Annotated[str | None, typer.Option(help="Column of 1–5 stars: trains the rating model.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for solvers.")] = 13,
    cache: Annotated[Path, typer.Option(help="Folder for the resumable encoder pass (default tier).")] = Path(
        ".cache/pooled"
    ),
) -> None:
    """Train a polarity and rating model, with out-of-fold figures, from labelled reviews."""
    from critica.workflow import train_and_report

    if (data is None) == (corpora is None):
        fail("give exactly one of --data FILE or --corpora DIR")
    try:
        report = train_and_report(
            out=out,
            tier=tier.value,
            data=data,
            corpora=corpora,
            lexicons=lexicons,
            use_lexicon=lexicon,
            text_col=text_col,
            label_col=label_col,
            rating_col=rating_col,
            seed=seed,
            cache=cache,
        )
    except (UnusableInput, FileNotFoundError) as exc:
        fail(str(exc))
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))


@app.command("train-titles")
def train_titles(
    corpora: Annotated[Path, typer.Option(help="The shared data folder (MuchoCine, IMDB-es, es-movie).")],
    out: Annotated[Path, typer.Option(help="Folder to write the tagger into.")],
    work: TitlesWork = Path(".cache/titles/work"),
    encoder: Annotated[
        bool,
        typer.Option(help="Also train the encoder reader (default tier titles; --no-encoder: hashed only)."),
    ] = True,
) -> None:
    """Train the film-title tagger (a span classifier) from distant and silver labels; prints its dev figures."""
    from critica.evaluation.annotations import title_examples
    from critica.facts.title_train import train_span_tagger

    try:
        meta = train_span_tagger(corpora, out, work, dev_texts=title_examples(corpora, "dev"), encoder=encoder)
    except (UnusableInput, FileNotFoundError) as exc:
        fail(str(exc))
    typer.echo(json.dumps(meta, indent=2))


@app.command("train-credits")
def train_credits(
    corpora: Annotated[Path, typer.Option(help="The shared data folder (MuchoCine, IMDB-es).")],
    out: Annotated[Path, typer.Option(help="Folder to write credits.json into.")],
) -> None:
    """Mine who is credited with what in the training reviews (the people stage's credits table)."""
    from critica.facts.credits import train_credits as mine

    try:
        mine(corpora, out, log=typer.echo)
    except (UnusableInput, FileNotFoundError) as exc:
        fail(str(exc))


@app.command("train-reviewed")
def train_reviewed(
    corpora: Annotated[Path, typer.Option(help="The shared data folder (MuchoCine's film column).")],
    out: Annotated[Path, typer.Option(help="Folder to write chooser.json into.")],
    work: Annotated[Path, typer.Option(help="Folder for the fold taggers and candidates (resumable).")] = Path(
        ".cache/reviewed"
    ),
    titles_work: TitlesWork = Path(".cache/titles/work"),
) -> None:
    """Learn which named film a review is about from MuchoCine's film column (the reviewed-film chooser)."""
    from critica.facts.reviewed_train import train_chooser

    try:
        train_chooser(corpora, out, work, titles_work / "entities.jsonl", log=typer.echo)
    except (UnusableInput, FileNotFoundError) as exc:
        fail(str(exc))


@app.command("train-mt")
def train_mt(
    out: Annotated[Path, typer.Option(help="Folder to write the detector into.")],
    corpora: Annotated[
        Path | None, typer.Option(help="The shared data folder: train the bundled recipe (see the MODEL_CARD).")
    ] = None,
    translated: Annotated[Path | None, typer.Option(help="Machine-translated reviews (csv/jsonl).")] = None,
    native: Annotated[Path | None, typer.Option(help="Reviews written in Spanish (csv/jsonl, column review).")] = None,
) -> None:
    """Train the machine-translation detector behind quality.machine_translation."""
    import numpy as np

    from critica.quality.train import DetectorData, bundled_training_data, train_detector
    from critica.text import prepare

    def texts(path: Path) -> list[str]:
        return [prepare(r.text).text for r in read_reviews(path) if isinstance(r.text, str) and r.text.strip()]

    try:
        if corpora is not None:
            data = bundled_training_data(corpora)
        elif translated is not None and native is not None:
            mt, nat = texts(translated), texts(native)
            n = len(mt) + len(nat)
            data = DetectorData(
                mt + nat, np.array([1] * len(mt) + [0] * len(nat)), np.ones(n),
                [str(i) for i in range(n)], ["translated"] * len(mt) + ["native"] * len(nat),
            )  # fmt: skip
        else:
            fail("give --corpora DIR, or both --translated FILE and --native FILE")
        detector, _ = train_detector(data)
    except (UnusableInput, FileNotFoundError) as exc:
        fail(str(exc))
    detector.save(out)
    typer.echo(json.dumps(detector.report, indent=2))


@app.command()
def evaluate(
    data: Annotated[Path | None, typer.Option(help="Labelled reviews to score the model on.")] = None,
    predictions: Annotated[Path | None, typer.Option(help="Saved predictions CSV (label, p_positive).")] = None,
    facts: Annotated[Path | None, typer.Option(help="Gold JSONL to score fact extraction against.")] = None,
    aspects: Annotated[Path | None, typer.Option(help="Gold JSONL to score aspect judgements against.")] = None,
    titles: Annotated[
        Path | None, typer.Option(help="BIO-tagged file (es-movie's format) to score film-title spans against.")
    ] = None,
    texts: Annotated[Path | None, typer.Option(help="id,review file giving the gold reviews' text.")] = None,
    fast: FastTier = False,
    tier: TierName = None,
    model: ModelFolder = None,
    encoder_runtime: EncoderRuntime = None,
    text_col: TextColumn = "review",
    label_col: LabelColumn = "sentiment",
    rating_col: Annotated[
        str | None, typer.Option(help="Column of 1–5 stars: adds MAE, exact, within-one, Spearman and a PNG.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the PNG plots.")] = Path("evaluation"),
    by_rule: Annotated[
        bool, typer.Option("--by-rule", help="With --facts: score each named facts rule alone.")
    ] = False,
    part: Annotated[
        str | None, typer.Option(help="With critica's offsets annotations: score only the dev or the test part.")
    ] = None,
    corpus: Annotated[
        str | None, typer.Option(help="With critica's offsets annotations: only muchocine or imdb_es.")
    ] = None,
    data_root: Annotated[
        Path | None, typer.Option(help="Shared data folder the offsets annotations point into.")
    ] = None,
    title_tagger: Annotated[
        bool, typer.Option(help="With --facts: add the learned title tagger (--no-title-tagger: the rules alone).")
    ] = True,
    credits: Annotated[
        bool,
        typer.Option(help="With --facts: use the credits mined from training reviews (--no-credits: the text alone)."),
    ] = True,
    reviewed_model: Annotated[
        bool,
        typer.Option(help="With --facts: the learned chooser picks the reviewed film (--no-reviewed-model: the rule)."),
    ] = True,
) -> None:
    """Accuracy, macro-F1, ROC-AUC, Brier and ECE (and rating metrics), plus confusion and reliability PNGs."""
    from critica.workflow import evaluate_file, evaluate_predictions

    if sum(x is not None for x in (data, predictions, facts, aspects, titles)) != 1:
        fail("give exactly one of --data, --predictions, --facts, --aspects or --titles")
    for given in (facts, aspects, titles, texts):
        if given is not None and not given.is_file():
            fail(f"{given}: no such file")
    config = _config(fast, tier, model, encoder_runtime=encoder_runtime)
    try:
        if titles is not None:
            from critica.evaluation.titles import evaluate_titles_file
            from critica.render import print_gold_scores
            from critica.resources import Resources

            print_gold_scores(
                evaluate_titles_file(titles, Resources.shared(config).title_tagger, _encoder_pass(config))
            )
            return
        if facts is not None or aspects is not None:
            from critica.evaluation.gold import GoldSelection, evaluate_aspects_file, evaluate_facts_file
            from critica.render import print_gold_scores

            chosen = GoldSelection(part, corpus, data_root)
            if facts is not None:
                from critica.resources import Resources

                shared = Resources.shared(
                    config.with_(title_tagger=title_tagger, credits=credits, reviewed_model=reviewed_model)
                )
                scores = evaluate_facts_file(
                    facts,
                    texts,
                    by_rule=by_rule,
                    selection=chosen,
                    tagger=shared.title_tagger,
                    credits=shared.credits,
                    chooser=shared.reviewed_chooser,
                    encode=_encoder_pass(config) if title_tagger else None,
                )
                print_gold_scores(scores)
            else:
                print_gold_scores(evaluate_aspects_file(aspects, texts, tier=config.tier, selection=chosen))
            return
        if predictions is not None:
            report = evaluate_predictions(predictions, out)
        else:
            pipeline = _pipeline(config)
            report = evaluate_file(data, pipeline, out, text_col=text_col, label_col=label_col, rating_col=rating_col)
    except UnusableInput as exc:
        fail(str(exc))
    from critica.render import print_metrics

    print_metrics(report)


def _encoder_pass(config: Any) -> Any:
    """The default tier's encoder pass over a document (what gives the title tagger its reader); None for --fast."""
    from critica.resources import Resources
    from critica.sentiment.stage import explain

    model = Resources.shared(config).polarity
    return (lambda doc: explain(model, doc)) if model.uses_encoder else None


class Engine(StrEnum):
    """Where a batch runs."""

    local = "local"
    dask = "dask"


@app.command()
def batch(
    inputs: Annotated[str, typer.Argument(help="A csv/jsonl/parquet file, a folder of them, or a glob.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Results: .jsonl, or .parquet (a folder with dask).")],
    workers: Annotated[int, typer.Option(help="Worker processes (default: all cores).")] = 0,
    fast: FastTier = False,
    tier: TierName = None,
    model: ModelFolder = None,
    encoder_runtime: EncoderRuntime = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run.")] = False,
    id_col: IdColumn = "id",
    text_col: TextColumn = "review",
    film_col: Annotated[
        str | None,
        typer.Option(help="Film column: it decides each review's film (the text's own film is kept beside it)."),
    ] = None,
    store: Annotated[Path | None, typer.Option(help="Also add the results to this DuckDB store.")] = None,
    engine: Annotated[Engine, typer.Option(help="local processes or a Dask cluster.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (default: a LocalCluster).")] = None,
    catalog: CatalogFile = None,
) -> None:
    """Analyse many reviews: streaming, every row accounted for, resumable, on all cores or a cluster."""
    config = _config(fast, tier, model, workers=workers or None, encoder_runtime=encoder_runtime, catalog=catalog)
    try:
        if engine is Engine.dask:
            from critica.batch.dask_engine import run_dask

            summary = run_dask(
                inputs,
                output,
                config=config,
                scheduler=scheduler,
                id_col=id_col,
                text_col=text_col,
                film_col=film_col,
            )
        else:
            from critica.batch.runner import BatchConfig, run_batch

            batch_config = BatchConfig(
                inputs=inputs,
                output=output,
                analysis=config,
                resume=resume,
                id_col=id_col,
                text_col=text_col,
                film_col=film_col,
            )
            store_db = None
            if store is not None:
                from critica.store.database import ReviewStore, StoreError

                try:
                    store_db = ReviewStore(store)
                except StoreError as exc:
                    fail(str(exc))
            try:
                summary = run_batch(batch_config, on_commit=store_db.add if store_db else None)
            finally:
                if store_db is not None:
                    store_db.close()
    except (UnusableInput, ValueError) as exc:
        fail(str(exc))
    typer.echo(
        f"critica batch: {summary.read:,} rows read = {summary.analysed:,} analysed + {summary.errors:,} with errors"
        f" + {summary.duplicates:,} duplicates skipped, in {summary.seconds:,.1f} s → {summary.output}",
        err=True,
    )
    typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False), err=True)  # the same, for scripts


store_app = typer.Typer(help="The DuckDB store of analysed reviews.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("add")
def store_add(
    results: Annotated[Path, typer.Argument(help="A .jsonl of contract objects (e.g. from critica batch).")],
    db: StoreFile = Path("critica.duckdb"),
) -> None:
    """Add results to the store (re-adding the same review and model replaces it).

    Lines that are not results (bad JSON, other objects) are skipped and counted, with their
    line numbers; the exit status is then 1.
    """
    from critica.store.database import NotAResult, ReviewStore, StoreError, check_result

    if not results.exists():
        fail(f"{results}: no such file")
    try:
        store_db = ReviewStore(db)
    except StoreError as exc:
        fail(str(exc))
    added, bad = 0, []
    with results.open(encoding="utf-8", errors="replace") as handle:
        batch_records: list[dict] = []
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                check_result(record)
            except (json.JSONDecodeError, NotAResult) as exc:
                bad.append((number, exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)))
                continue
            batch_records.append(record)
            if len(batch_records) >= 1000:
                added += store_db.add(batch_records)
                batch_records = []
        added += store_db.add(batch_records)
    typer.echo(f"{added} results added; the store holds {store_db.count()} reviews")
    store_db.close()
    if bad:
        shown = ", ".join(f"line {n} ({why})" for n, why in bad[:5]) + (" …" if len(bad) > 5 else "")
        fail(f"{len(bad)} lines of {results} are not critica results and were not added: {shown}", code=1)


class ReportFormat(StrEnum):
    """How `report` prints."""

    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


@app.command()
def report(
    db: StoreFile = Path("critica.duckdb"),
    film: Annotated[str | None, typer.Option(help="One film, with its strongest evidence passages.")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File for csv/json/html.")] = None,
) -> None:
    """Per-film report from the store: polarity with CI, aspects, people, awards, MT share."""
    from critica.render import print_film, print_films
    from critica.store import report as reports
    from critica.store.database import ReviewStore, StoreError

    if not db.exists():
        fail(f"{db}: no such store; create one with `critica batch … --store {db}` or `critica store add`")
    try:
        store_db = ReviewStore(db, read_only=True)
    except StoreError as exc:
        fail(str(exc))
    try:
        data: Any = store_db.film(film) if film else store_db.films()
        if film and data is None:
            fail(f"no reviews of '{film}' in {db}")
        if format is ReportFormat.table and film:
            print_film(data)
        elif format is ReportFormat.table:
            print_films(data)
        elif out is None:
            fail(f"--format {format.value} needs --out FILE")
        elif format is ReportFormat.csv:
            reports.to_csv([data] if film else data, out)
        elif format is ReportFormat.json:
            reports.to_json(data, out)
        else:
            reports.to_html(store_db, [data] if film else data, out)
    finally:
        store_db.close()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps it local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes, each with its own models.")] = 1,
    analysis_processes: Annotated[
        int | None,
        typer.Option(
            help="Processes that analyse short reviews for each worker; 0: the worker itself (default: one per core)."
        ),
    ] = None,
    store: Annotated[Path | None, typer.Option(help="DuckDB store for the /v1/films reports.")] = None,
    fast: FastTier = False,
    tier: TierName = None,
    model: ModelFolder = None,
    encoder_runtime: EncoderRuntime = None,
    max_text_chars: Annotated[int, typer.Option(help="Longest review accepted.")] = 100_000,
    cors_origin: Annotated[
        list[str] | None, typer.Option(help="Allow this browser origin (CORS is off by default).")
    ] = None,
) -> None:
    """HTTP API (OpenAPI at /docs) and the web page at /."""
    import os

    import uvicorn

    from critica.config import cores
    from critica.errors import ConfigError
    from critica.service.config import ENV_VARIABLE, ServiceConfig

    analysis = _config(fast, tier, model, max_chars=max_text_chars, encoder_runtime=encoder_runtime)
    try:
        extra = analysis_processes if analysis_processes is not None else max(1, cores() // workers)
        config = ServiceConfig(
            analysis=analysis,
            store=store.resolve() if store else None,
            cors_origins=tuple(cors_origin or ()),
            short_processes=extra,
        )
    except ConfigError as exc:
        fail(str(exc))
    os.environ[ENV_VARIABLE] = config.to_json()  # each uvicorn worker builds its app from it
    uvicorn.run("critica.service.app:app_from_env", factory=True, host=host, port=port, workers=workers)


@app.command()
def doctor() -> None:
    """Say what is installed, which models load, and what to do when something is missing."""
    from critica.doctor import run_checks
    from critica.render import print_checks

    ok = print_checks(run_checks())
    raise typer.Exit(0 if ok else 1)


def main() -> None:
    """Entry point of the `critica` script."""
    app()


if __name__ == "__main__":
    main()
