# haard: `make demo` runs the app with a demo region; `make test` runs every check and test.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
SIZE ?= small

.PHONY: demo test setup check-uv

check-uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

setup: check-uv
	$(UV) sync --frozen
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py demo_region --size $(SIZE)

demo: setup
	$(UV) run python manage.py demo_accounts
	@echo "haard runs at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(UV) run python manage.py runserver $(HOST):$(PORT) --noreload

test: check-uv
	$(UV) sync --frozen
	$(UV) run bash bin/check
