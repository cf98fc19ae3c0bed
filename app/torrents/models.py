"""Torrents whose metadata has been fetched: the info dictionary, stored once and handed to the
streamer, so a magnet's metadata is never fetched twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Torrent(db.Model):
    __tablename__ = "torrents"

    info_hash: Mapped[str] = mapped_column(String(40), primary_key=True)  # v1, lowercase hex
    name: Mapped[str] = mapped_column(String(255), nullable=False)  # display text, never a path
    info: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # the bencoded info dictionary
    total_size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    piece_length: Mapped[int] = mapped_column(Integer, nullable=False)
    num_pieces: Mapped[int] = mapped_column(Integer, nullable=False)
    file_count: Mapped[int] = mapped_column(Integer, nullable=False)
    trackers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # peers known to hold it: the magnet's x.pe hints and those the metadata fetch met
    peers: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    last_requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                        server_default=func.now())
