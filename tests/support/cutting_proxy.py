"""A TCP relay on 127.0.0.1 that drops a connection once the client has sent a given number of
bytes: a network that fails halfway through an upload."""
from __future__ import annotations

import socket
import threading
import time


class CuttingRelay:
    def __init__(self, target_port: int, cut_after: int) -> None:
        self.target_port, self.cut_after = target_port, cut_after
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.forwarded = 0
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._upstream, args=(client, server), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket) -> None:
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                room = self.cut_after - self.forwarded
                if room <= 0:
                    break
                server.sendall(data[:room])
                self.forwarded += min(len(data), room)
                if len(data) >= room:
                    break  # the cut: both sides see the connection die mid-request
        except OSError:
            pass
        try:  # the server reads what was sent, then the end of the stream (not a reset that drops it)
            server.shutdown(socket.SHUT_WR)
            time.sleep(0.5)
        except OSError:
            pass
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    @staticmethod
    def _downstream(server: socket.socket, client: socket.socket) -> None:
        try:
            while data := server.recv(65536):
                client.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self._stop = True
        self.listener.close()
