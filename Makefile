# The targets are exactly what CI runs (.ci/run calls `make lint` and `make test`).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
OUT    ?= out
SOAK_MINUTES ?= 10

.PHONY: setup demo test lint format bench train eval clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py src/foretold/coordination/_digest.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

## the main job on the embedded defaults: simulate the #AskJPM week (real labelled tweets
## from ../shared/data), replay it with labels and early warning, print the alerts, write
## its chronicle; then replay the bundled mixed-platform sample and the real PHEME stream
demo: setup
	mkdir -p $(OUT)
	rm -f $(OUT)/demo.db $(OUT)/demo.db-wal $(OUT)/demo.db-shm $(OUT)/demo.quarantine.jsonl
	@if [ -d $(DATA)/tweeteval ]; then \
		$(BIN)/foretold simulate askjpm --seed 1 --data $(DATA) --out $(OUT)/askjpm.jsonl && \
		$(BIN)/foretold replay $(OUT)/askjpm.jsonl --store $(OUT)/demo.db \
			--track '#AskJPM' --track '@jpmorgan' --track 'JP Morgan' --track JPMorgan --owner '@jpmorgan' \
			--alerts $(OUT)/askjpm.alerts.jsonl && \
		$(BIN)/foretold chronicle --store $(OUT)/demo.db --campaign askjpm \
			--out $(OUT)/askjpm-chronicle.html; \
	else echo "note: $(DATA) absent; no #AskJPM simulation (it draws real tweets from there)"; fi
	$(BIN)/foretold replay src/foretold/samples/mixed-platforms.jsonl --store $(OUT)/demo.db \
		--track '#AskBrand' --track '@jpmorgan'
	@if [ -f $(DATA)/pheme/germanwings-crash.csv ]; then \
		$(BIN)/foretold replay $(DATA)/pheme/germanwings-crash.csv --csv-preset pheme --platform x \
			--store $(OUT)/demo.db --track '#Germanwings' --track Germanwings; \
	fi
	$(BIN)/foretold export --store $(OUT)/demo.db --format csv --out $(OUT)/demo-posts.csv
	@echo "next: open $(OUT)/askjpm-chronicle.html, or run the dashboard:"
	@echo "      $(BIN)/foretold serve --store $(OUT)/demo.db   (http://127.0.0.1:8350)"

test: setup
	$(BIN)/pytest -m "not bench"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

## slow end-to-end checks and benchmarks: they print numbers, they do not fail on a slow day
bench: setup
	mkdir -p $(OUT)
	$(PY) bench/replay_bench.py --posts 200000 --out $(OUT)
	@if [ -d $(DATA)/tweeteval ]; then $(PY) bench/watch_bench.py --data $(DATA); fi
	$(PY) bench/understand_bench.py
	$(PY) bench/multilingual_bench.py --data $(DATA)
	$(PY) bench/french_hijack.py --data $(DATA)
	$(BIN)/foretold benchmark --json $(OUT)/benchmark.json --markdown $(OUT)/benchmark.md
	# docs/benchmark.md: the report seeds, the real streams and the tuning seeds, composed by
	# bench/benchmark_page.py from the foretold benchmark runs it names (hours with the accurate tier)
	$(PY) bench/detect_latency_bench.py   # ingest -> alert latency at 1,000 posts/s; surprise vs risk
	$(PY) bench/forecast_bench.py   # the forecast methods against the next hour (docs/early-warning.md)
	@# docs/coordination.md: the swarm drills' precision and recall, the real streams, the signals' cost
	@if [ -d $(DATA)/tweeteval ]; then $(PY) bench/coordination_bench.py --data $(DATA) --speed --library; fi
	$(PY) bench/chronicle_bench.py --seeds 1 2 --data $(DATA)
	$(PY) bench/dashboard_bench.py
	$(PY) bench/media_fetch_bench.py
	$(PY) bench/media_parse_bench.py
	$(PY) bench/ocr_bench.py --seed 1
	$(PY) bench/picture_read_bench.py
	$(PY) bench/picture_storm_bench.py --data $(DATA) --scale 0.1
	$(BIN)/pytest -m bench -p no:cacheprovider || [ $$? -eq 5 ]
	$(PY) bench/soak_bench.py wal
	$(PY) bench/soak_bench.py soak --minutes $(SOAK_MINUTES)   # docs/soak.md; SOAK_MINUTES=1 for a short run
	$(PY) bench/store_write_bench.py   # docs/soak.md: what keeping campaign_minutes costs write_rows

## rebuild every model from ../shared/data (train/dev splits; needs the train extra: torch CPU).
## Fine-tunes the encoder first: about an hour on two CPU cores (a GPU when torch sees one);
## interrupted, it resumes from .cache/understand/finetune/checkpoint.pt. Then the multilingual
## encoder: three runs averaged, about 75 minutes of one CPU thread, each resumable from
## .cache/understand/multilingual-finetune/run-N/checkpoint.pt
train: setup
	$(PY) -m pip install --quiet -e '.[train]'
	$(BIN)/foretold train

## the test-split table for both tiers beside VADER and the published figures
eval: setup
	$(BIN)/foretold eval

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
