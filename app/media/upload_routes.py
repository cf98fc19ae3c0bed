"""/api/v1/uploads: the tus 1.0 server (core, creation, creation-with-upload, termination,
expiration, checksum), so tus-js-client, Uppy and tuspy upload videos unchanged, and the
attach of a finished upload to a title.

The protocol routes speak in headers and status codes, so they are a plain blueprint (no JSON
bodies, not in the API document); refusals still carry the error envelope. Every answer carries
``Tus-Resumable``. Admins only, as every upload.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint

from app.core.envelope import envelope, ok
from app.core.identity import current_identity, roles_required
from app.core.request_context import streamed_body
from app.errors import AppError
from app.media import service
from app.media.schemas import AttachUploadSchema, JobSchema

tus_blp = Blueprint("media_tus", __name__)
attach_blp = ApiBlueprint("media_uploads", __name__, description="Attach a finished tus upload to a title (admins)")
TUS = service.tus
UPLOAD_LIMIT = "MEDIA_MAX_UPLOAD_BYTES"


class TusVersionError(AppError):
    code, status, message = "TUS_VERSION_UNSUPPORTED", 412, "This server speaks tus 1.0.0"


@tus_blp.before_request
def _require_tus_version():
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS.VERSION:
        raise TusVersionError(details={"fields": {"Tus-Resumable": [f"must be {TUS.VERSION}"]}},
                              headers={"Tus-Version": TUS.VERSION})


@tus_blp.after_request
def _tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS.VERSION
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 204 or request.method == "HEAD":
        response.headers.pop("Content-Type", None)  # no body to type (nor to compress)
    return response


def _upload_headers(upload) -> dict:
    return {"Upload-Offset": str(upload.offset), "Upload-Expires": TUS.http_date(upload.expires_at)}


def _location(upload_id: str) -> str:
    return f"{request.host_url.rstrip('/')}{request.script_root}/api/v1/uploads/{upload_id}"


@tus_blp.route("", methods=["OPTIONS"])
@tus_blp.route("/", methods=["OPTIONS"])
@tus_blp.route("/<upload_id>", methods=["OPTIONS"])
def discover(upload_id: str | None = None):
    """What this server speaks (no authentication: browsers send OPTIONS as a CORS preflight)."""
    methods = "POST, OPTIONS" if upload_id is None else "HEAD, PATCH, DELETE, OPTIONS"
    # an empty 200: the app's OPTIONS hook makes it the same bodiless 204 every preflight gets
    return Response(status=200, headers={
        "Tus-Version": TUS.VERSION, "Tus-Extension": ",".join(TUS.EXTENSIONS),
        "Tus-Max-Size": str(current_app.config[UPLOAD_LIMIT]),
        "Tus-Checksum-Algorithm": ",".join(TUS.CHECKSUM_ALGORITHMS), "Allow": methods})


@tus_blp.route("", methods=["POST"], provide_automatic_options=False)
@tus_blp.route("/", methods=["POST"], provide_automatic_options=False)  # the endpoint as tus docs write it
@streamed_body(UPLOAD_LIMIT, (TUS.OFFSET_CONTENT_TYPE,))
@roles_required("admin")
def create():
    """Creation (and creation-with-upload: a first chunk in the same request)."""
    if request.headers.get("Upload-Defer-Length"):
        raise AppError("Upload-Defer-Length is not supported: send Upload-Length", code="VALIDATION_ERROR",
                       status=400, details={"fields": {"Upload-Defer-Length": ["not supported"]}})
    upload = service.create_upload(request.headers.get("Upload-Length"), request.headers.get("Upload-Metadata"),
                                   current_identity().user_id)
    headers = {"Location": _location(upload.id), **_upload_headers(upload)}
    if request.content_length:
        if request.mimetype != TUS.OFFSET_CONTENT_TYPE:
            raise AppError(f"A first chunk must be {TUS.OFFSET_CONTENT_TYPE}", code="UNSUPPORTED_MEDIA_TYPE",
                           status=415, headers=headers)
        try:
            upload = service.append_upload(upload.id, "0", request.stream, request.content_length,
                                           request.headers.get("Upload-Checksum"))
        except AppError as exc:  # the upload exists: tell the client where, so it can resume
            exc.headers = {**headers, **exc.headers}
            raise
        headers.update(_upload_headers(upload))
    body = ok(service.describe_upload(upload))
    return current_app.json.response(body), 201, headers


@tus_blp.route("/<upload_id>", methods=["HEAD"], provide_automatic_options=False)
@roles_required("admin")
def status(upload_id: str):
    upload = service.load_upload(upload_id)
    headers = {**_upload_headers(upload), "Upload-Length": str(upload.length)}
    if upload.metadata_header:
        headers["Upload-Metadata"] = upload.metadata_header
    return Response(status=200, headers=headers)


@tus_blp.route("/<upload_id>", methods=["PATCH"], provide_automatic_options=False)
@streamed_body(UPLOAD_LIMIT, (TUS.OFFSET_CONTENT_TYPE,))
@roles_required("admin")
def append(upload_id: str):
    if request.mimetype != TUS.OFFSET_CONTENT_TYPE:
        raise AppError(f"A PATCH body must be {TUS.OFFSET_CONTENT_TYPE}", code="UNSUPPORTED_MEDIA_TYPE", status=415)
    upload = service.append_upload(upload_id, request.headers.get("Upload-Offset"), request.stream,
                                   request.content_length, request.headers.get("Upload-Checksum"))
    return Response(status=204, headers=_upload_headers(upload))


@tus_blp.route("/<upload_id>", methods=["DELETE"], provide_automatic_options=False)
@roles_required("admin")
def terminate(upload_id: str):
    service.terminate_upload(upload_id)
    return Response(status=204)


@attach_blp.route("/<string:upload_id>/attach")
class AttachUpload(MethodView):
    @roles_required("admin")
    @attach_blp.arguments(AttachUploadSchema)
    @attach_blp.response(202, envelope(JobSchema))
    @attach_blp.alt_response(404, response="NOT_FOUND", description="UPLOAD_NOT_FOUND or NOT_FOUND")
    @attach_blp.alt_response(409, response="CONFLICT", description="UPLOAD_INCOMPLETE, UPLOAD_ATTACHED or "
                                                                    "TRANSCODE_RUNNING")
    def post(self, body, upload_id):
        """Attach a finished tus upload to a movie or an episode and queue its ladder"""
        return ok(service.attach_upload(service.catalog.viewer_for(current_identity()), upload_id,
                                        body["content_id"], body.get("episode_id")))

