"""A small pool of warm LibreOffice converters with a bounded queue in front.

Starting LibreOffice costs about a second, so each converter
(:mod:`service.conversion.uno_worker`) stays up between conversions. A
conversion waits for a free converter (at most ``queue_size`` wait; more are
refused as busy), runs within ``timeout_seconds``, and a converter that
overruns or dies is killed with its LibreOffice and replaced on next use.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
#: How long a fresh converter may take to start LibreOffice.
START_SECONDS = 60.0


class ConversionError(Exception):
    """A conversion that did not produce a PDF."""


class ConversionUnavailable(ConversionError):
    """LibreOffice (or a Python with its ``uno`` module) is not installed."""


class ConversionBusy(ConversionError):
    """Every converter is busy and the queue in front of them is full."""


class ConversionFailed(ConversionError):
    """The converter timed out, died, or LibreOffice could not convert."""


@dataclass(frozen=True)
class ConverterSettings:
    """Where LibreOffice is, and how many converters, for how long each."""

    soffice: str = "soffice"
    python: str = "/usr/bin/python3"
    converters: int = 2
    queue_size: int = 16
    timeout_seconds: float = 30.0


def find_soffice(settings: ConverterSettings) -> str | None:
    """The path of LibreOffice's soffice, or None when it is not installed."""
    return shutil.which(settings.soffice)


def has_uno(python: str) -> bool:
    """Whether ``python`` can import LibreOffice's ``uno`` module."""
    try:
        completed = subprocess.run(
            [python, "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    data = bytearray()
    while len(data) < size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            raise TimeoutError
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _read_frame(fd: int, deadline: float) -> bytes:
    (size,) = struct.unpack(">I", _read_exact(fd, 4, deadline))
    return _read_exact(fd, size, deadline)


def _frame(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class Converter:
    """One worker process and its LibreOffice, in a process group of their own."""

    def __init__(self, soffice: str, python: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="partnerdocs-lo-")
        self.process = subprocess.Popen(
            [python, str(WORKER_SCRIPT), soffice, self.profile],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self._answers = self.process.stdout.fileno()
        try:
            ready = _read_frame(self._answers, time.monotonic() + START_SECONDS)
        except (TimeoutError, EOFError) as exc:
            self.kill()
            raise ConversionFailed("LibreOffice did not start.") from exc
        if ready != b"ready":
            self.kill()
            raise ConversionFailed("LibreOffice did not start.")

    def convert(self, docx: bytes, *, pdfa: bool, timeout: float) -> bytes:
        """Convert; raise TimeoutError or EOFError when the worker must go."""
        assert self.process.stdin is not None
        header = json.dumps({"pdfa": pdfa}).encode()
        try:
            self.process.stdin.write(_frame(header) + _frame(docx))
            self.process.stdin.flush()
        except BrokenPipeError as exc:
            raise EOFError from exc
        deadline = time.monotonic() + timeout
        answer = json.loads(_read_frame(self._answers, deadline))
        content = _read_frame(self._answers, deadline)
        if not answer.get("ok"):
            raise ConversionFailed(f"LibreOffice could not convert: {answer['error']}")
        return content

    def kill(self) -> None:
        """Kill the worker and its LibreOffice; delete the private profile."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class ConverterPool:
    """Convert .docx to PDF on warm converters, started on first use."""

    def __init__(self, settings: ConverterSettings) -> None:
        self.settings = settings
        self._idle: queue.LifoQueue[Converter] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max(settings.converters, 1))
        self._lock = threading.Lock()
        self._waiting = 0
        self._available: bool | None = None
        self._soffice: str | None = None
        self._closed = False

    def available(self) -> bool:
        """Whether PDF conversion can work here (checked once)."""
        if self._available is None:
            soffice = find_soffice(self.settings)
            self._soffice = soffice
            self._available = (
                self.settings.converters > 0
                and soffice is not None
                and has_uno(self.settings.python)
            )
        return self._available

    def warm(self) -> None:
        """Start every converter now instead of on first use (if available)."""
        if not self.available():
            return
        started = []
        for _ in range(self.settings.converters):
            self._slots.acquire()
            try:
                started.append(self._take())
            finally:
                self._slots.release()
        for converter in started:
            self._idle.put(converter)

    def convert(self, docx: bytes, *, pdfa: bool = False) -> bytes:
        """The PDF (PDF/A-2b when ``pdfa``) of a .docx."""
        if not self.available():
            raise ConversionUnavailable("PDF conversion is not available here.")
        with self._lock:
            if self._waiting >= self.settings.converters + self.settings.queue_size:
                raise ConversionBusy("Every PDF converter is busy.")
            self._waiting += 1
        try:
            if not self._slots.acquire(timeout=self.settings.timeout_seconds * 4):
                raise ConversionBusy("Every PDF converter is busy.")
            try:
                return self._convert_on_one(docx, pdfa)
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._waiting -= 1

    def _take(self) -> Converter:
        """An idle converter that is still alive, or a new one."""
        while True:
            try:
                converter = self._idle.get_nowait()
            except queue.Empty:
                assert self._soffice is not None
                return Converter(self._soffice, self.settings.python)
            if converter.process.poll() is None:
                return converter
            converter.kill()  # died while idle: reap it, take the next

    def converter_pids(self) -> list[int]:
        """The process ids of the idle converters (each leads its process group)."""
        return [converter.process.pid for converter in list(self._idle.queue)]

    def _convert_on_one(self, docx: bytes, pdfa: bool) -> bytes:
        converter = self._take()
        try:
            pdf = converter.convert(
                docx, pdfa=pdfa, timeout=self.settings.timeout_seconds
            )
        except TimeoutError as exc:
            converter.kill()
            raise ConversionFailed("The PDF conversion took too long.") from exc
        except EOFError as exc:
            converter.kill()
            raise ConversionFailed("The PDF converter stopped.") from exc
        except BaseException:
            self._give_back(converter)
            raise
        self._give_back(converter)
        return pdf

    def _give_back(self, converter: Converter) -> None:
        if self._closed:
            converter.kill()
        else:
            self._idle.put(converter)

    def close(self) -> None:
        """Stop every idle converter (busy ones stop when they are given back)."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
