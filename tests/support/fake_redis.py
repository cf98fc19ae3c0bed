"""A tiny RESP server on 127.0.0.1 that claims to be an old Redis (asyncio, in a thread).

It answers PING, INFO, CLIENT, SELECT and ECHO like a real server and refuses everything else
as an unknown command, which is all a start-up version check needs to see.
"""
from __future__ import annotations

import asyncio
import threading


class OldRedisServer:
    def __init__(self, version: str = "6.2.14") -> None:
        self.version = version
        self.port = 0
        self.commands: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> "OldRedisServer":
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("the fake Redis did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    def _info(self) -> bytes:
        text = ("# Server\r\n"
                f"redis_version:{self.version}\r\n"
                "redis_mode:standalone\r\n"
                "os:Linux\r\n"
                f"tcp_port:{self.port}\r\n")
        return _bulk(text)

    def _answer(self, args: list[bytes]) -> bytes:
        name = args[0].decode(errors="replace").upper() if args else ""
        self.commands.append(name)
        if name == "PING":
            return b"+PONG\r\n"
        if name == "INFO":
            return self._info()
        if name in ("CLIENT", "SELECT"):
            return b"+OK\r\n"
        if name == "ECHO" and len(args) > 1:
            return _bulk(args[1].decode(errors="replace"))
        return f"-ERR unknown command '{name.lower()}'\r\n".encode()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                args = await _read_command(reader)
                if args is None:
                    break
                writer.write(self._answer(args))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


def _bulk(text: str) -> bytes:
    data = text.encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


async def _read_command(reader: asyncio.StreamReader) -> list[bytes] | None:
    line = await reader.readline()
    if not line:
        return None
    if not line.startswith(b"*"):  # an inline command, as `redis-cli` or a raw socket sends it
        return line.strip().split()
    args = []
    for _ in range(int(line[1:].strip())):
        header = await reader.readline()
        if not header.startswith(b"$"):
            raise ValueError("expected a bulk string")
        size = int(header[1:].strip())
        args.append((await reader.readexactly(size + 2))[:-2])
    return args
