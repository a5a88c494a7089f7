"""The web page in a real headless Chromium (Debian's), against a real `critica serve` process."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")

REVIEW = (EXAMPLES / "resena_positiva.txt").read_text(
    encoding="utf-8"
) + " I He visto pocas películas así. Ganó la Palm D'or en Cannes en 2024."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    from critica.pipeline import Pipeline
    from critica.store.database import ReviewStore

    db = tmp_path_factory.mktemp("store") / "critica.duckdb"
    store = ReviewStore(db)
    pipeline = Pipeline(tier="fast")
    store.add(pipeline.analyze(p.read_text(encoding="utf-8"), id=p.stem).to_dict() for p in EXAMPLES.glob("*.txt"))
    store.close()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "critica.cli", "serve", "--fast", "--port", str(port), "--store", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if json.load(response)["models_loaded"]:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("critica serve did not start")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        tab = context.new_page()
        tab.goto(server)
        yield tab
        assert all(url.startswith(server) for url in requests), "the page loads nothing from outside"
        browser.close()


def test_paste_analyse_and_read_the_result(page) -> None:
    page.get_by_label("Texto de la reseña").fill(REVIEW)
    page.get_by_role("button", name="Analizar", exact=True).click()
    verdict = page.locator("#veredicto")
    verdict.wait_for(state="visible", timeout=60_000)
    assert "POSITIVA" in verdict.inner_text() and "probabilidad" in verdict.inner_text()
    stars = re.search(r"valoración (\d\.\d) de 5 estrellas", verdict.inner_text())
    assert stars and 3.0 < float(stars.group(1)) <= 5.0

    pieces = page.locator("#texto-anotado span")
    assert "".join(pieces.all_inner_texts()) == REVIEW  # the whole review, unchanged
    tinted = page.locator("#texto-anotado span[style*='background']")
    assert tinted.count() > 3
    assert page.locator("#texto-anotado .evidencia").count() >= 1
    assert "I He visto" in " ".join(page.locator("#texto-anotado .ta").all_inner_texts())

    chips = page.locator("#aspectos .chip")
    assert chips.count() >= 2
    photo = page.locator(".chip[data-aspecto='fotografia']")
    assert "positivo" in photo.inner_text()
    photo.hover()
    assert page.locator("#texto-anotado .resaltado").count() >= 1
    page.mouse.move(0, 0)
    photo.focus()
    page.keyboard.press("Enter")  # keyboard use: the chip toggles
    assert photo.get_attribute("aria-pressed") == "true"

    facts = page.locator("#datos").inner_text()
    assert "El faro del fin del mundo" in facts and "Lucía Ferrán" in facts and "Palma de Oro" in facts
    assert "Festival de Cannes · 2024" in facts.split("Festivales", 1)[1]  # the festivals it names, apart
    assert "sin traducir" in page.locator("#calidad").inner_text().lower()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analizar.png"), full_page=True)


def test_films_view(page) -> None:
    page.get_by_role("button", name="Películas del almacén").click()
    rows = page.locator("#tabla-peliculas tbody tr")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() == 2
    page.get_by_role("cell", name="Noche de plomo").click()
    report = page.locator("#informe-pelicula")
    report.get_by_role("heading", name="Noche de plomo").wait_for(timeout=30_000)
    assert "0 % positivas" in report.inner_text()
    assert re.search(r"valoración media \d\.\d de 5", report.inner_text())
    assert report.locator(".barra").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "peliculas.png"), full_page=True)
