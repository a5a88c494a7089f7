"""The HTTP service through a real client: contract, limits as 4xx JSON, the store, OpenAPI fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from critica.config import Config
from critica.pipeline import shared_pipeline
from critica.service.app import create_app
from critica.service.config import SERVICE_MAX_CHARS, ServiceConfig

from .conftest import EXAMPLES

FAST = Config(tier="fast", max_chars=SERVICE_MAX_CHARS)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from critica.pipeline import Pipeline
    from critica.store.database import ReviewStore

    path = tmp_path_factory.mktemp("store") / "critica.duckdb"
    pipeline = Pipeline(tier="fast")
    store = ReviewStore(path)
    for name in ("resena_positiva", "resena_negativa"):
        store.add([pipeline.analyze((EXAMPLES / f"{name}.txt").read_text(encoding="utf-8"), id=name).to_dict()])
    store.close()
    return path


@pytest.fixture(scope="module")
def client(store_path: Path):
    app = create_app(
        ServiceConfig(
            analysis=Config(tier="fast", max_chars=20_000), store=store_path, max_body_bytes=200_000, max_batch=5
        )
    )
    with TestClient(app) as test_client:
        yield test_client


def test_health_and_docs(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["models_loaded"] is True and health["model"] == "critica-es-fast"
    assert client.get("/docs").status_code == 200
    assert "/v1/analyze" in client.get("/openapi.json").json()["paths"]


def test_analyze_returns_the_contract(client: TestClient) -> None:
    text = (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8")
    body = client.post("/v1/analyze", json={"text": text, "id": "p"}).json()
    assert body["id"] == "p" and body["sentiment"]["label"] == "positive"
    assert {"sentences", "evidence", "aspects", "facts", "quality", "errors"} <= set(body)


def test_batch_keeps_order_and_limits(client: TestClient) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    body = client.post("/v1/analyze/batch", json={"reviews": [{"text": t, "id": str(i)} for i, t in enumerate(texts)]})
    assert [r["id"] for r in body.json()["results"]] == ["0", "1"]
    too_many = client.post("/v1/analyze/batch", json={"reviews": [{"text": "hola"}] * 6})
    assert too_many.status_code == 422 and too_many.json()["error"]["code"] == "batch_too_large"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "invalid_request"),
        ({"json": {"texto": "sin campo text"}}, 422, "invalid_request"),
        ({"json": {"text": 42}}, 422, "invalid_request"),
        ({"content": b"text=hola", "headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type"),
        ({"json": {"text": "a" * 20_001}}, 422, "text_too_long"),
        ({"json": {"text": "a" * 300_000}}, 413, "body_too_large"),
    ],
)
def test_bad_requests_are_clear_4xx(client: TestClient, kwargs: dict, status: int, code: str) -> None:
    response = client.post("/v1/analyze", **kwargs)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_unjudgeable_text_is_a_200_with_errors(client: TestClient) -> None:
    body = client.post("/v1/analyze", json={"text": "   "}).json()
    assert body["sentiment"]["label"] is None and body["errors"][0]["code"] == "empty_text"


def test_a_lone_surrogate_is_a_200_with_the_character_replaced(client: TestClient) -> None:
    raw = b'{"text": "Una pel\\u00edcula \\ud800 estupenda.", "id": "s\\udc00"}'  # valid JSON escapes
    response = client.post("/v1/analyze", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sentiment"]["label"] == "positive" and body["id"] == "s\ufffd"
    assert [e["code"] for e in body["errors"]] == ["invalid_characters"]


def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    """Through a real uvicorn server and a raw socket: TestClient would buffer the whole body first."""
    import resource
    import socket
    import threading
    import time

    import uvicorn

    app = create_app(ServiceConfig(analysis=FAST, max_body_bytes=200_000))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB; the server runs in this process
    sent = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"x" * 65536
            try:
                for _ in range(16_000):  # 1 GB if the server read it all
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
            except OSError:
                pass  # the server answered and closed the connection: what we want
            answer = sock.recv(65536)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert answer.startswith(b"HTTP/1.1 413") and b"body_too_large" in answer
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 300, f"{sent / 2**20:.0f} MB sent, peak memory grew {grown_mb:.0f} MB"


def test_undecodable_json_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/analyze", content=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


def test_no_host_header_is_echoed_and_head_and_docs_work_offline(client: TestClient) -> None:
    response = client.get("/static", headers={"host": "evil.example"}, follow_redirects=False)
    assert "evil.example" not in response.headers.get("location", "") and response.status_code == 404
    assert client.head("/").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/v1/analyze" in docs.text and "http" not in docs.text.replace("/openapi", "")


def test_an_unreadable_store_is_a_503_without_internals(tmp_path: Path) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    with TestClient(create_app(ServiceConfig(analysis=FAST, store=broken))) as test_client:
        response = test_client.get("/v1/films")
    assert response.status_code == 503 and response.headers["retry-after"]
    body = response.text
    assert (
        response.json()["error"]["code"] == "store_unavailable" and str(tmp_path) not in body and "duckdb" not in body
    )


def test_long_reviews_run_in_their_own_process_with_the_same_answer(client: TestClient) -> None:
    text = (EXAMPLES / "resena_positiva.txt").read_text(encoding="utf-8")
    app = create_app(ServiceConfig(analysis=FAST, long_chars=len(text) - 1, long_queue=1))
    with TestClient(app) as lane_client:
        long_lane = lane_client.post("/v1/analyze", json={"text": text, "id": "p"}).json()
        both = lane_client.post("/v1/analyze/batch", json={"reviews": [{"text": text}, {"text": "Un bodrio."}]})
    assert long_lane == client.post("/v1/analyze", json={"text": text, "id": "p"}).json()
    assert [r["sentiment"]["label"] for r in both.json()["results"]] == ["positive", "negative"]
    with TestClient(create_app(ServiceConfig(analysis=FAST, long_chars=100, long_queue=0))) as full:
        busy = full.post("/v1/analyze", json={"text": text})
        short = full.post("/v1/analyze", json={"text": "Una película estupenda."})
    assert busy.status_code == 503 and busy.json()["error"]["code"] == "busy" and busy.headers["retry-after"]
    assert short.status_code == 200


def test_analysis_processes_give_the_service_processs_own_answers() -> None:
    texts = [f"Reseña {i}: una película estupenda, con una fotografía preciosa." for i in range(24)]
    reviews = [{"text": text, "id": f"r{i}"} for i, text in enumerate(texts)]
    app = create_app(ServiceConfig(analysis=FAST, short_processes=2))
    with TestClient(app) as shared:
        health = shared.get("/healthz").json()
        response = shared.post("/v1/analyze/batch", json={"reviews": reviews})
        assert response.status_code == 200, response.text
        lanes = app.state.lanes
    here = [
        analysis.to_dict() for analysis in shared_pipeline(FAST).analyze_batch([(r["text"], r["id"]) for r in reviews])
    ]
    assert lanes.pipeline is None  # the service process only reads, queues and answers
    assert lanes.batches_elsewhere >= 3  # 24 reviews, at most 8 a batch
    assert health["models_loaded"] and health["model"] == "critica-es-fast"
    assert response.json()["results"] == here


def test_films_from_the_store(client: TestClient) -> None:
    films = client.get("/v1/films").json()
    assert films["reviews"] == 2
    titles = [f["film"] for f in films["films"]]
    assert sorted(titles) == ["El faro del fin del mundo", "Noche de plomo"]  # the reviewed films of the texts
    one = client.get("/v1/films/noche de plomo").json()
    assert one["reviews"] == 1 and one["positive_share"] == 0 and one["strongest_negative"]
    missing = client.get("/v1/films/Nada")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_film"


def test_no_store_is_a_404_not_a_500() -> None:
    with TestClient(create_app(ServiceConfig(analysis=FAST))) as plain:
        response = plain.get("/v1/films")
        assert response.status_code == 404 and response.json()["error"]["code"] == "no_store"
        assert plain.options("/v1/analyze").headers.get("access-control-allow-origin") is None  # CORS off


def test_openapi_property_based_no_5xx(client: TestClient) -> None:
    # Schemathesis generates requests from the OpenAPI schema (valid and invalid ones); none may be a 5xx.
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])

        no_server_error()
        checked += 1
    assert checked == 5  # healthz, analyze, analyze/batch, films, films/{film}


def _niceness() -> int:
    import os

    return os.nice(0)


def test_the_long_review_process_yields_the_cores_to_short_reviews() -> None:
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from critica.service.lanes import LONG_LANE_NICENESS, _long_lane_start

    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, initializer=_long_lane_start, initargs=(FAST,)) as pool:
        assert pool.submit(_niceness).result() == min(os.nice(0) + LONG_LANE_NICENESS, 19)  # 19: the lowest
