"""Media over HTTP: admin uploads and jobs (/api/v1/admin), a title's stream (/api/v1/content),
and the signed files themselves (/api/v1/media, see ``files.py``)."""
from __future__ import annotations

import re
from functools import wraps

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.catalog.schemas import ContentSchema, ContentWriteSchema
from app.core import strict_json
from app.core.api import cross_field_rules
from app.core.envelope import envelope, ok
from app.core.identity import auth_required, current_identity, roles_required
from app.core.request_context import streamed_body
from app.errors import ValidationError
from app.media import service
from app.media.schemas import (ContentMediaStatusSchema, ContentUploadFormSchema, JobListArgsSchema, JobSchema,
                               StreamArgsSchema, StreamSchema, SubtitleFileSchema, SubtitleFormSchema,
                               SubtitleSchema, TranscodeSchema, VideoFileSchema)

admin_blp = Blueprint("media_admin", __name__, description="Video uploads and their transcode jobs (admins)")
stream_blp = Blueprint("media_stream", __name__, description="A title's own video: the signed HLS stream")

UPLOAD_LIMIT = "MEDIA_MAX_UPLOAD_BYTES"
# what no schema can say of a file or of JSON inside a form field: a 422 naming them keeps a promise
VIDEO_RULE = {"video": "must be a video FFmpeg can decode, judged by probing its content, not by its name "
                       "(else 422 UNSUPPORTED_MEDIA naming the field)"}
METADATA_RULE = {"metadata": "the title as a JSON object, as POST /api/v1/content takes it, or the same fields as "
                             "plain form fields (genres comma-separated); title and maturityRating are required; "
                             "errors name metadata.<field>"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class UploadResultSchema(ma.Schema):
    content = ma.fields.Nested(ContentSchema, required=True)
    job = ma.fields.Nested(JobSchema, required=True)


def _viewer():
    return service.catalog.viewer_for(current_identity())


def room_for_upload(view):
    """Before the body is read: 413 on a declared size over the limit, 507 on a full disk."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        service.check_room(request.content_length)
        return view(*args, **kwargs)

    return wrapper


def _form_value(value: str):
    """A plain form field's text as the JSON schema wants it: numbers as numbers, JSON as JSON."""
    if value.lstrip().startswith(("[", "{")):
        try:
            return strict_json.loads(value)
        except ValueError:
            return value
    if _NUMBER.match(value):
        return float(value) if "." in value else int(value)
    return value


def _form_metadata(form) -> dict:
    """The title's fields: a ``metadata`` JSON object, or plain form fields (``genres`` repeated or
    comma-separated, numbers read as numbers)."""
    raw = form.get("metadata")
    if raw:
        try:
            data = strict_json.loads(raw)
        except ValueError:
            raise ValidationError("metadata must be a JSON object", field="metadata") from None
        if not isinstance(data, dict):
            raise ValidationError("metadata must be a JSON object", field="metadata")
    else:
        data = {name: _form_value(form.get(name)) for name in form if name not in ("metadata", "genres")}
        genres = []
        for value in form.getlist("genres"):
            parsed = _form_value(value)
            genres += parsed if isinstance(parsed, list) else value.split(",")
        if genres:
            data["genres"] = [g.strip() if isinstance(g, str) else g for g in genres
                              if not isinstance(g, str) or g.strip()]
    data.setdefault("kind", "movie")
    try:
        return ContentWriteSchema().load(data)
    except ma.ValidationError as exc:
        fields = {f"metadata.{name}": problem for name, problem in exc.normalized_messages().items()}
        raise ValidationError("The title's metadata is not valid: " + ", ".join(sorted(fields)),
                              details={"fields": fields}) from None


@admin_blp.route("/content")
class ContentUpload(MethodView):
    @streamed_body(UPLOAD_LIMIT)
    @roles_required("admin")
    @room_for_upload
    @admin_blp.arguments(ContentUploadFormSchema, location="form")
    @admin_blp.arguments(VideoFileSchema, location="files")
    @admin_blp.response(202, envelope(UploadResultSchema))
    @admin_blp.alt_response(409, response="CONFLICT")
    @admin_blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @cross_field_rules(**VIDEO_RULE, **METADATA_RULE)
    def post(self, form, files):
        """Add a movie with its video (multipart: the metadata and the file); its ladder is queued"""
        metadata = _form_metadata(request.form)
        content, job = service.create_with_video(metadata, files["video"].stream, files["video"].filename)
        return ok({"content": content, "job": job})


@admin_blp.route("/content/<int:content_id>/media")
class ContentMedia(MethodView):
    @streamed_body(UPLOAD_LIMIT)
    @roles_required("admin")
    @room_for_upload
    @admin_blp.arguments(VideoFileSchema, location="files")
    @admin_blp.response(202, envelope(JobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    @admin_blp.alt_response(409, response="CONFLICT", description="TRANSCODE_RUNNING")
    @admin_blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @cross_field_rules(**VIDEO_RULE)
    def post(self, files, content_id):
        """Attach a video to a movie (replacing its current one once the new ladder is ready)"""
        video = files["video"]
        return ok(service.attach_video(_viewer(), content_id, None, video.stream, video.filename))


@admin_blp.route("/content/<int:content_id>/episodes/<int:episode_id>/media")
class EpisodeMedia(MethodView):
    @streamed_body(UPLOAD_LIMIT)
    @roles_required("admin")
    @room_for_upload
    @admin_blp.arguments(VideoFileSchema, location="files")
    @admin_blp.response(202, envelope(JobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    @admin_blp.alt_response(409, response="CONFLICT", description="TRANSCODE_RUNNING")
    @admin_blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @cross_field_rules(**VIDEO_RULE)
    def post(self, files, content_id, episode_id):
        """Attach a video to an episode of a series"""
        video = files["video"]
        return ok(service.attach_video(_viewer(), content_id, episode_id, video.stream, video.filename))


SUBTITLE_RULE = {"file": "must be SubRip or WebVTT with at least one cue (422 naming the field)",
                 "language": "a language tag such as en or pt-BR"}


def _add_subtitle(form, files, content_id, episode_id):
    upload = files["file"]
    return ok(service.add_subtitle(_viewer(), content_id, episode_id, form["language"], form.get("label"),
                                   upload.stream.read(current_app.config["MEDIA_MAX_SUBTITLE_BYTES"] + 1)))


@admin_blp.route("/content/<int:content_id>/subtitles")
class ContentSubtitles(MethodView):
    @roles_required("admin")
    @admin_blp.arguments(SubtitleFormSchema, location="form")
    @admin_blp.arguments(SubtitleFileSchema, location="files")
    @admin_blp.response(201, envelope(SubtitleSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND", description="NOT_FOUND or MEDIA_NOT_FOUND")
    @admin_blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @cross_field_rules(**SUBTITLE_RULE)
    def post(self, form, files, content_id):
        """Add a subtitle track to a movie's video (a second in the same language replaces it)"""
        return _add_subtitle(form, files, content_id, None)


@admin_blp.route("/content/<int:content_id>/episodes/<int:episode_id>/subtitles")
class EpisodeSubtitles(MethodView):
    @roles_required("admin")
    @admin_blp.arguments(SubtitleFormSchema, location="form")
    @admin_blp.arguments(SubtitleFileSchema, location="files")
    @admin_blp.response(201, envelope(SubtitleSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND", description="NOT_FOUND or MEDIA_NOT_FOUND")
    @admin_blp.alt_response(413, response="PAYLOAD_TOO_LARGE")
    @cross_field_rules(**SUBTITLE_RULE)
    def post(self, form, files, content_id, episode_id):
        """Add a subtitle track to an episode's video"""
        return _add_subtitle(form, files, content_id, episode_id)


@admin_blp.route("/content/<int:content_id>/subtitles/<string:language>")
class ContentSubtitle(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope())
    @admin_blp.alt_response(404, response="NOT_FOUND", description="SUBTITLE_NOT_FOUND or MEDIA_NOT_FOUND")
    def delete(self, content_id, language):
        """Remove a movie's subtitle track"""
        service.remove_subtitle(_viewer(), content_id, None, language)
        return ok(None)


@admin_blp.route("/content/<int:content_id>/episodes/<int:episode_id>/subtitles/<string:language>")
class EpisodeSubtitle(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope())
    @admin_blp.alt_response(404, response="NOT_FOUND", description="SUBTITLE_NOT_FOUND or MEDIA_NOT_FOUND")
    def delete(self, content_id, episode_id, language):
        """Remove an episode's subtitle track"""
        service.remove_subtitle(_viewer(), content_id, episode_id, language)
        return ok(None)


@admin_blp.route("/content/<int:content_id>/status")
class ContentMediaStatus(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope(ContentMediaStatusSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    def get(self, content_id):
        """A title's uploads and their transcode jobs (state, progress, ETA, errors)"""
        return ok(service.content_status(content_id))


@admin_blp.route("/transcode")
class Transcode(MethodView):
    @roles_required("admin")
    @admin_blp.arguments(JobListArgsSchema, location="query", unknown=ma.RAISE)
    @admin_blp.response(200, envelope(JobSchema, many=True))
    def get(self, args):
        """Transcode jobs, newest first"""
        return ok(service.list_jobs(args.get("state"), args["limit"]))

    @roles_required("admin")
    @admin_blp.arguments(TranscodeSchema)
    @admin_blp.response(202, envelope(JobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    @admin_blp.alt_response(409, response="CONFLICT", description="TRANSCODE_RUNNING")
    def post(self, body):
        """Transcode a title's stored video again (a new job)"""
        return ok(service.transcode_again(_viewer(), body["content_id"], body.get("episode_id")))


@admin_blp.route("/transcode/<int:job_id>")
class TranscodeJob(MethodView):
    @roles_required("admin")
    @admin_blp.response(200, envelope(JobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    def get(self, job_id):
        """One transcode job"""
        return ok(service.get_job(job_id))

    @roles_required("admin")
    @admin_blp.response(200, envelope(JobSchema))
    @admin_blp.alt_response(404, response="NOT_FOUND")
    @admin_blp.alt_response(409, response="CONFLICT", description="JOB_FINISHED")
    def delete(self, job_id):
        """Cancel a job: a queued one never runs, a running one's ffmpeg is stopped"""
        return ok(service.cancel_job(job_id))


def _stream(content_id: int, episode_id: int | None) -> dict:
    return service.stream_for(_viewer(), content_id, episode_id)


@stream_blp.route("/<int:content_id>/stream")
class ContentStream(MethodView):
    @auth_required(allow_service=False)
    @stream_blp.arguments(StreamArgsSchema, location="query", unknown=ma.RAISE)
    @stream_blp.response(200, envelope(StreamSchema))
    @stream_blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @stream_blp.alt_response(404, response="NOT_FOUND", description="NOT_FOUND or MEDIA_NOT_FOUND")
    @stream_blp.alt_response(409, response="CONFLICT", description="MEDIA_NOT_READY")
    def get(self, args, content_id):
        """The signed HLS stream of a movie (or, with episodeId, an episode) and where to resume"""
        return ok(_stream(content_id, args.get("episode_id")))


@stream_blp.route("/<int:content_id>/episodes/<int:episode_id>/stream")
class EpisodeStream(MethodView):
    @auth_required(allow_service=False)
    @stream_blp.response(200, envelope(StreamSchema))
    @stream_blp.alt_response(403, response="FORBIDDEN", description="SUBSCRIPTION_REQUIRED or MATURITY_RESTRICTED")
    @stream_blp.alt_response(404, response="NOT_FOUND", description="NOT_FOUND or MEDIA_NOT_FOUND")
    @stream_blp.alt_response(409, response="CONFLICT", description="MEDIA_NOT_READY")
    def get(self, content_id, episode_id):
        """The signed HLS stream of an episode and where to resume"""
        return ok(_stream(content_id, episode_id))
