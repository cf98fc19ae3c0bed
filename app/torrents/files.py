"""The files of a torrent as the API shows them, and which one a request streams.

Pure: a torrent's file table is a list of ``TorrentFile`` (index, path, size, offset); choosing
the file is ``choose_file``: the index asked for, else the episode that matches ``season`` and
``episode`` in a pack (S01E02, 1x02, "Episode 2"), else the largest video.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

VIDEO_TYPES = {
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
    ".mkv": "video/x-matroska", ".avi": "video/x-msvideo", ".ts": "video/mp2t", ".m2ts": "video/mp2t",
    ".mpg": "video/mpeg", ".mpeg": "video/mpeg", ".wmv": "video/x-ms-wmv", ".flv": "video/x-flv",
    ".ogv": "video/ogg",
}
SUBTITLE_TYPES = {".srt": "application/x-subrip", ".vtt": "text/vtt"}
SAMPLE = re.compile(r"(^|[^a-z])sample([^a-z]|$)", re.IGNORECASE)


class FileChoiceError(ValueError):
    def __init__(self, message: str, code: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field_name


@dataclass(frozen=True)
class TorrentFile:
    index: int
    path: str  # inside the torrent, "/"-separated, as libtorrent sanitised it
    size: int
    offset: int  # of its first byte in the torrent's byte stream
    pad: bool = False  # a BEP 47 padding file: never shown, never streamed

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path).suffix.lower()

    @property
    def is_video(self) -> bool:
        return not self.pad and self.suffix in VIDEO_TYPES

    @property
    def is_subtitle(self) -> bool:
        return not self.pad and self.suffix in SUBTITLE_TYPES

    @property
    def mimetype(self) -> str:
        return VIDEO_TYPES.get(self.suffix) or SUBTITLE_TYPES.get(self.suffix) or "application/octet-stream"


def _episode_patterns(season: int | None, episode: int) -> list[re.Pattern]:
    patterns = []
    if season is not None:
        patterns += [re.compile(rf"(?<![a-z0-9])s0*{season}[ ._-]*e0*{episode}(?![0-9])", re.IGNORECASE),
                     re.compile(rf"(?<![0-9]){season}x0*{episode}(?![0-9])", re.IGNORECASE),
                     re.compile(rf"season[ ._-]*0*{season}\b.*episode[ ._-]*0*{episode}(?![0-9])", re.IGNORECASE)]
    patterns += [re.compile(rf"(?<![a-z])(episode|ep)[ ._-]*0*{episode}(?![0-9])", re.IGNORECASE)]
    if season is None:
        patterns.append(re.compile(rf"(?<![a-z0-9])e0*{episode}(?![0-9])", re.IGNORECASE))
    return patterns


def find_episode(files: list[TorrentFile], season: int | None, episode: int) -> TorrentFile | None:
    """The largest video whose path names the episode, strongest form first."""
    videos = [f for f in files if f.is_video and not SAMPLE.search(f.name)]
    for pattern in _episode_patterns(season, episode):
        matches = [f for f in videos if pattern.search(f.path)]
        if matches:
            return max(matches, key=lambda f: f.size)
    return None


def choose_file(files: list[TorrentFile], file_index: int | None = None, season: int | None = None,
                episode: int | None = None) -> TorrentFile:
    if file_index is not None:
        chosen = next((f for f in files if f.index == file_index and not f.pad), None)
        if chosen is None:
            raise FileChoiceError(f"The torrent has no file {file_index}", "VALIDATION_ERROR", "fileIndex")
        if not chosen.is_video:
            raise FileChoiceError(f"File {file_index} ({chosen.name}) is not a video", "NO_VIDEO_FILE", "fileIndex")
        return chosen
    if episode is not None:
        chosen = find_episode(files, season, episode)
        if chosen is None:
            label = f"S{season:02d}E{episode:02d}" if season is not None else f"episode {episode}"
            raise FileChoiceError(f"The torrent has no video for {label}", "NO_VIDEO_FILE", "episode")
        return chosen
    videos = [f for f in files if f.is_video]
    if not videos:
        raise FileChoiceError("The torrent holds no video file", "NO_VIDEO_FILE")
    return max(videos, key=lambda f: (not SAMPLE.search(f.name), f.size))


def display_name(text: str, limit: int = 255) -> str:
    """A name from a torrent as text a client may show: no control characters, bounded."""
    cleaned = "".join(c for c in text if c.isprintable())
    return cleaned[:limit] or "unnamed"


_LANGUAGE_NAMES = {
    "english": "en", "eng": "en", "spanish": "es", "spa": "es", "espanol": "es", "french": "fr", "fre": "fr",
    "fra": "fr", "francais": "fr", "german": "de", "ger": "de", "deu": "de", "deutsch": "de", "italian": "it",
    "ita": "it", "portuguese": "pt", "por": "pt", "brazilian": "pt", "russian": "ru", "rus": "ru", "arabic": "ar",
    "ara": "ar", "dutch": "nl", "dut": "nl", "nld": "nl", "turkish": "tr", "tur": "tr", "chinese": "zh",
    "chi": "zh", "zho": "zh", "japanese": "ja", "jpn": "ja", "korean": "ko", "kor": "ko", "polish": "pl",
    "pol": "pl", "swedish": "sv", "swe": "sv", "hindi": "hi", "hin": "hi", "indonesian": "id", "ind": "id",
    "malay": "ms", "may": "ms", "msa": "ms", "urdu": "ur", "urd": "ur", "persian": "fa", "per": "fa", "fas": "fa",
}
_LANGUAGE_CODES = {"en", "es", "fr", "de", "it", "pt", "ru", "ar", "nl", "tr", "zh", "ja", "ko", "pl", "sv", "hi",
                   "id", "ms", "ur", "fa", "he", "el", "cs", "da", "fi", "no", "ro", "hu", "th", "vi", "uk", "bn"}


def subtitle_language(name: str) -> str | None:
    """The language a subtitle file's name gives (``Movie.en.srt``, ``2_English.srt``,
    ``movie.eng.forced.srt``), as an ISO 639-1 code; None when it gives none."""
    stem = PurePosixPath(name).stem.lower()
    tokens = [t for t in re.split(r"[^a-z]+", stem) if t]
    for token in reversed(tokens):
        if token in _LANGUAGE_NAMES:
            return _LANGUAGE_NAMES[token]
        if token in _LANGUAGE_CODES and len(tokens) > 1:  # "en" alone could be a title
            return token
    return None


def subtitles_for(files: list[TorrentFile], video: TorrentFile) -> list[TorrentFile]:
    """The subtitle files that go with ``video``: all of them when it is the torrent's only
    video, else those named after it (its stem) or sitting in its folder or a subtitles folder
    beside it and naming no other video."""
    subtitles = [f for f in files if f.is_subtitle]
    videos = [f for f in files if f.is_video and not SAMPLE.search(f.name)]
    if len(videos) <= 1:
        return subtitles
    stem = PurePosixPath(video.path).stem.lower()
    others = [PurePosixPath(v.path).stem.lower() for v in videos if v.index != video.index]
    chosen = []
    for subtitle in subtitles:
        lowered = subtitle.path.lower()
        if stem in lowered:
            chosen.append(subtitle)
        elif not any(other in lowered for other in others) and PurePosixPath(subtitle.path).parent in (
                PurePosixPath(video.path).parent, PurePosixPath(video.path).parent / "Subs",
                PurePosixPath(video.path).parent / "subs"):
            chosen.append(subtitle)
    return chosen
