"""OpenAPI at /openapi.json and Swagger UI at /docs, from local files only."""
import re


def test_openapi_documents_routes_security_and_errors(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    me = spec["paths"]["/api/v1/auth/me"]["get"]
    assert {"bearerAuth": []} in me["security"]
    assert "401" in me["responses"]
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    assert "/health" in spec["paths"] and "/metrics" in spec["paths"]


def test_swagger_ui_references_no_external_host(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/") for url in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    init = client.get("/docs/swagger-init.js").get_data(as_text=True)
    assert "/openapi.json" in init and "http" not in init
