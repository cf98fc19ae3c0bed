"""The poster frame and the scrub-preview thumbnails, made in the same ffmpeg pass as the ladder."""
from __future__ import annotations

import io

import av
import pytest

from tests.media.conftest import upload, wait_for_job

pytestmark = pytest.mark.slow


def _picture(response):
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    with av.open(io.BytesIO(response.get_data()), format="image2pipe") as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height


def test_a_ladder_comes_with_a_poster_and_a_thumbnail_track(app, client, media_worker, admin_headers, user_headers,
                                                           movie, clips):
    content_id = movie()
    job = upload(client, admin_headers, clips("long.mp4", seconds=12), f"/api/v1/admin/content/{content_id}/media")
    assert wait_for_job(client, admin_headers, job.get_json()["data"]["id"])["state"] == "ready"
    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]

    assert _picture(client.get(stream["poster"])) == (320, 180)
    track = client.get(stream["thumbnails"])
    assert track.status_code == 200 and track.mimetype == "text/vtt"
    lines = track.get_data(as_text=True).splitlines()
    assert lines[0] == "WEBVTT"
    times = [line for line in lines if "-->" in line]
    assert times == ["00:00:00.000 --> 00:00:10.000", "00:00:10.000 --> 00:00:12.000"]  # one per 10 s
    tiles = [line for line in lines if "#xywh=" in line]
    assert tiles[1].split("#xywh=")[1] == "160,0,160,90" and all("exp=" in tile and "st=" in tile for tile in tiles)
    base = stream["thumbnails"].split("?")[0].rsplit("/", 1)[0]
    sprite = client.get(f"{base}/{tiles[0].split('#')[0]}")
    assert _picture(sprite) == (1600, 900)  # a 10x10 tile of 160x90 thumbnails (2 of them drawn)
    assert client.get(f"{base}/{tiles[0].split('?')[0]}").status_code == 403  # the token guards them too


SRT = ("1\r\n00:00:01,000 --> 00:00:03,500\r\nHello, <i>world</i>\r\n\r\n"
       "2\r\n00:00:04,000 --> 00:00:06,000\r\nCafé crème\r\n").encode("cp1252")


def _subtitle(client, headers, content_id, data, language="en", label="English", name="movie.srt"):
    return client.post(f"/api/v1/admin/content/{content_id}/subtitles", headers=headers,
                       content_type="multipart/form-data",
                       data={"language": language, "label": label, "file": (io.BytesIO(data), name)})


def test_subtitles_are_served_as_webvtt_and_offered_in_the_master(client, media_worker, admin_headers, user_headers,
                                                                   movie, clips):
    content_id = movie()
    assert _subtitle(client, admin_headers, content_id, SRT).status_code == 404  # no video yet
    job = upload(client, admin_headers, clips("long.mp4", seconds=12), f"/api/v1/admin/content/{content_id}/media")
    added = _subtitle(client, admin_headers, content_id, SRT)  # while the ladder is made: tracks are the asset's
    assert added.status_code == 201 and added.get_json()["data"] == {"language": "en", "label": "English"}
    vtt = b"\xef\xbb\xbfWEBVTT\n\n00:00:02.000 --> 00:00:05.000\nHola\n"
    assert _subtitle(client, admin_headers, content_id, vtt, language="es", label="Español").status_code == 201
    done = wait_for_job(client, admin_headers, job.get_json()["data"]["id"])
    assert done["state"] == "ready", done

    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
    assert [(t["language"], t["label"]) for t in stream["subtitles"]] == [("en", "English"), ("es", "Español")]
    english = client.get(stream["subtitles"][0]["url"])
    assert english.status_code == 200 and english.mimetype == "text/vtt"
    assert english.get_data(as_text=True) == ("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\nHello, <i>world</i>\n\n"
                                              "00:00:04.000 --> 00:00:06.000\nCafé crème\n")
    master = client.get(stream["url"]).get_data(as_text=True)
    assert master.count("#EXT-X-MEDIA:TYPE=SUBTITLES") == 2 and 'LANGUAGE="es"' in master
    assert all('SUBTITLES="subs"' in line for line in master.splitlines() if line.startswith("#EXT-X-STREAM-INF"))
    sub_uri = next(line.split('URI="')[1].rstrip('"') for line in master.splitlines() if 'LANGUAGE="en"' in line)
    assert sub_uri.startswith("../subs/en.m3u8?exp=")
    playlist = client.get(stream["subtitles"][0]["playlist"]).get_data(as_text=True)
    assert "en.vtt?exp=" in playlist and "#EXT-X-ENDLIST" in playlist

    replaced = _subtitle(client, admin_headers, content_id, SRT.replace(b"world", b"there"), label="English (US)")
    assert replaced.status_code == 201
    stream = client.get(f"/api/v1/content/{content_id}/stream", headers=user_headers).get_json()["data"]
    assert [t["label"] for t in stream["subtitles"]] == ["English (US)", "Español"]
    assert "there" in client.get(stream["subtitles"][0]["url"]).get_data(as_text=True)
    gone = client.delete(f"/api/v1/admin/content/{content_id}/subtitles/es", headers=admin_headers)
    assert gone.status_code == 200
    assert client.delete(f"/api/v1/admin/content/{content_id}/subtitles/es", headers=admin_headers).status_code == 404
    assert client.get(stream["subtitles"][1]["url"]).status_code == 404


def test_a_subtitle_upload_refuses_what_is_not_one(client, media_worker, admin_headers, user_headers, movie, clips):
    content_id = movie()
    job = upload(client, admin_headers, clips("clip.mp4", seconds=4), f"/api/v1/admin/content/{content_id}/media")
    done = wait_for_job(client, admin_headers, job.get_json()["data"]["id"])
    assert done["state"] == "ready", done
    junk = _subtitle(client, admin_headers, content_id, b"just some words\nno cues here\n")
    assert junk.status_code == 422 and "file" in junk.get_json()["error"]["details"]["fields"]
    bad_language = _subtitle(client, admin_headers, content_id, SRT, language="English!")
    assert bad_language.status_code == 422 and "language" in bad_language.get_json()["error"]["details"]["fields"]
    assert _subtitle(client, user_headers, content_id, SRT).status_code == 403
