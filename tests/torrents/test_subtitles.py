"""Subtitle files inside a torrent: listed with the stream, served as WebVTT for a <track>."""
from __future__ import annotations

import pytest
import requests

from app.torrents.files import TorrentFile, subtitle_language, subtitles_for
from tests.torrents.conftest import random_bytes

SRT = (b"1\r\n00:00:01,000 --> 00:00:02,500\r\nHello there\r\n\r\n"
       b"2\r\n00:00:03,000 --> 00:00:04,000\r\n<i>General Kenobi</i>\r\n")
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHola\n"


def test_subtitles_are_listed_with_their_language_and_served_as_webvtt(start_stream, seeder):
    movie = seeder.seed("Subbed Movie", {"Subbed.Movie.mp4": random_bytes(400_000), "Subbed.Movie.en.srt": SRT,
                                         "Subs/2_Spanish.vtt": VTT, "Subbed.Movie.nfo": b"notes"})
    ready = start_stream(magnet=movie.magnet)
    tracks = {t["name"]: t for t in ready["subtitles"]}
    assert set(tracks) == {"Subbed.Movie.en.srt", "2_Spanish.vtt"}
    assert tracks["Subbed.Movie.en.srt"]["language"] == "en" and tracks["2_Spanish.vtt"]["language"] == "es"
    english = requests.get(tracks["Subbed.Movie.en.srt"]["url"], timeout=30)
    assert english.status_code == 200 and english.headers["Content-Type"].startswith("text/vtt")
    assert english.text == ("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello there\n\n"
                            "00:00:03.000 --> 00:00:04.000\n<i>General Kenobi</i>\n")
    spanish = requests.get(tracks["2_Spanish.vtt"]["url"], timeout=30)
    assert spanish.status_code == 200 and "Hola" in spanish.text
    # the token is the stream's: without it, nothing
    assert requests.get(tracks["2_Spanish.vtt"]["url"].split("?")[0], timeout=10).status_code == 403


def test_a_file_that_is_not_a_subtitle_is_not_served_as_one(start_stream, seeder):
    movie = seeder.seed("NoSubs", {"NoSubs.mp4": random_bytes(100_000), "NoSubs.nfo": b"x"})
    ready = start_stream(magnet=movie.magnet)
    assert ready["subtitles"] == []
    url = ready["streamUrl"].replace("/0?", "/1/subtitles.vtt?")
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "FILE_NOT_FOUND"


@pytest.mark.parametrize("name, language", [
    ("Movie.2020.en.srt", "en"), ("2_English.srt", "en"), ("movie.eng.forced.srt", "en"),
    ("Movie.French.vtt", "fr"), ("pt.srt", None), ("Movie.2020.srt", None), ("Movie.Portuguese-BR.srt", "pt"),
])
def test_the_language_comes_from_the_name(name, language):
    assert subtitle_language(name) == language


def _files(*paths):
    return [TorrentFile(i, p, 100, i * 100) for i, p in enumerate(paths)]


def test_a_pack_lists_only_the_chosen_episodes_subtitles():
    files = _files("Show/Show.S01E01.mkv", "Show/Show.S01E02.mkv", "Show/Show.S01E01.en.srt",
                   "Show/Show.S01E02.en.srt", "Show/Subs/Show.S01E02.es.srt")
    chosen = subtitles_for(files, files[1])
    assert [f.path for f in chosen] == ["Show/Show.S01E02.en.srt", "Show/Subs/Show.S01E02.es.srt"]
    single = _files("Movie/Movie.mp4", "Movie/Subs/English.srt", "Movie/Subs/French.srt")
    assert len(subtitles_for(single, single[0])) == 2
