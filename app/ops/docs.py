"""Swagger UI at /docs, served from the files the swagger-ui-bundle package ships (no CDN)."""
from __future__ import annotations

import swagger_ui_bundle
from flask import Blueprint, render_template_string, send_from_directory

from app.extensions import limiter

docs_blp = Blueprint("docs", __name__)
limiter.exempt(docs_blp)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Marquee API</title>
  <link rel="stylesheet" href="/docs/static/swagger-ui.css">
  <link rel="icon" href="/docs/static/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/static/swagger-ui-bundle.js"></script>
  <script src="/docs/static/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>
"""

_INIT = """window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  });
});
"""


@docs_blp.get("/docs")
@docs_blp.get("/docs/")
def swagger_ui():
    response = render_template_string(_PAGE)
    return response, 200, {
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                   "frame-ancestors 'self'",
    }


@docs_blp.get("/docs/swagger-init.js")
def swagger_init():
    return _INIT, 200, {"Content-Type": "application/javascript; charset=utf-8"}


@docs_blp.get("/docs/static/<path:filename>")
def swagger_static(filename: str):
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
