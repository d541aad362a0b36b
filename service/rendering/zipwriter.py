"""A small zip writer: copied members as prepared bytes, rendered members deflated.

A .docx is a zip. When a template is prepared, the members that no rendering
changes (styles, images, settings, relationships...) are laid out once, as local
headers followed by their compressed bytes exactly as the template stored them,
with ``[Content_Types].xml`` first as Word expects; their central-directory
records are prepared too. A rendering then appends its own members, deflated,
and the central directory. No ZIP64: an output that would need it is refused.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.rendering.errors import TemplateError, TemplateLimitExceeded

#: zlib level for rendered members. Measured on the agreement (see docs/engine.md):
#: level 1 deflates its 60 kB of XML in about a tenth of the time level 6 takes
#: and the file is only a few per cent larger.
DEFLATE_LEVEL = 1

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LOCAL_SIGNATURE = 0x04034B50
_CENTRAL_SIGNATURE = 0x02014B50
_END_SIGNATURE = 0x06054B50
_VERSION = 20  # 2.0: deflate
_UTF8_FLAG = 0x800
_KEPT_FLAGS = 0x806  # UTF-8 names and the deflate option bits
_LIMIT32 = 0xFFFFFFFF
_MAX_ENTRIES = 0xFFFF
_DEFAULT_TIME = (1980, 1, 1, 0, 0, 0)


class UnsupportedZip(Exception):
    """A member the writer cannot copy (encrypted, or an unusual compression)."""


@dataclass(frozen=True)
class Entry:
    """What the central directory says about one member."""

    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    compressed_size: int
    size: int
    offset: int

    def local_header(self) -> bytes:
        """The member's local file header (sizes and CRC given: no data descriptor)."""
        return _LOCAL.pack(
            _LOCAL_SIGNATURE, _VERSION, self.flags, self.method, self.dos_time,
            self.dos_date, self.crc, self.compressed_size, self.size,
            len(self.name), 0,
        ) + self.name  # fmt: skip

    def central_record(self) -> bytes:
        """The member's central-directory record."""
        return _CENTRAL.pack(
            _CENTRAL_SIGNATURE, _VERSION, _VERSION, self.flags, self.method,
            self.dos_time, self.dos_date, self.crc, self.compressed_size, self.size,
            len(self.name), 0, 0, 0, 0, 0, self.offset,
        ) + self.name  # fmt: skip


@dataclass(frozen=True)
class Stamp:
    """A member's name and modification time, for writing it anew."""

    name: bytes
    flags: int
    dos_time: int
    dos_date: int

    @classmethod
    def of(cls, info: zipfile.ZipInfo) -> Stamp:
        """The name and time of a template's member, kept for its rendering."""
        dos_time, dos_date = _dos_time(info.date_time)
        name, flags = _encoded_name(info.filename)
        return cls(name=name, flags=flags, dos_time=dos_time, dos_date=dos_date)


@dataclass(frozen=True)
class CopiedMembers:
    """The untouched members laid out once: local records and central records."""

    local: bytes
    central: bytes
    count: int
    last_local: int = 0  # bytes of the last member's local record and data
    last_central: int = 0  # bytes of its central record

    def without_last(self) -> CopiedMembers:
        """The same layout without its last member (rendered anew instead)."""
        if not self.count:
            return self
        return CopiedMembers(
            self.local[: len(self.local) - self.last_local],
            self.central[: len(self.central) - self.last_central],
            self.count - 1,
        )


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    if not 1980 <= date_time[0] <= 2107 or not 1 <= date_time[1] <= 12:
        date_time = _DEFAULT_TIME
    year, month, day, hour, minute, second = date_time
    day = min(max(day, 1), 31)
    return (
        (hour << 11) | (minute << 5) | (second // 2),
        ((year - 1980) << 9) | (month << 5) | day,
    )


def _encoded_name(filename: str) -> tuple[bytes, int]:
    try:
        return filename.encode("ascii"), 0
    except UnicodeEncodeError:
        return filename.encode("utf-8"), _UTF8_FLAG


def copy_members(source: bytes, infos: Sequence[zipfile.ZipInfo]) -> CopiedMembers:
    """Lay out ``infos`` (members of the zip ``source``) with their stored bytes."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsupportedZip(f"{info.filename} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsupportedZip(
                f"{info.filename} uses compression method {info.compress_type}"
            )
        data = _stored_bytes(source, info)
        dos_time, dos_date = _dos_time(info.date_time)
        name, name_flag = _encoded_name(info.filename)
        entry = Entry(
            name=name,
            flags=(info.flag_bits & _KEPT_FLAGS & ~_UTF8_FLAG) | name_flag,
            method=info.compress_type,
            dos_time=dos_time,
            dos_date=dos_date,
            crc=info.CRC,
            compressed_size=info.compress_size,
            size=info.file_size,
            offset=offset,
        )
        record = entry.local_header()
        local.append(record)
        local.append(data)
        central.append(entry.central_record())
        offset += len(record) + len(data)
    return CopiedMembers(
        b"".join(local),
        b"".join(central),
        len(infos),
        last_local=len(local[-1]) + len(local[-2]) if infos else 0,
        last_central=len(central[-1]) if infos else 0,
    )


def _stored_bytes(source: bytes, info: zipfile.ZipInfo) -> bytes:
    start = info.header_offset
    header = source[start : start + 30]
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise TemplateError(f"The template's zip entry {info.filename} is damaged.")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    data = source[begin : begin + info.compress_size]
    if len(data) != info.compress_size:
        raise TemplateError(f"The template's zip entry {info.filename} is truncated.")
    return data


def deflate(data: bytes, level: int = DEFLATE_LEVEL) -> bytes:
    """Raw deflate (no zlib header), as zip members store it."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def assemble(copied: CopiedMembers, members: Iterable[tuple[Stamp, bytes]]) -> bytes:
    """The zip: the copied members, then ``members`` deflated, then the directory."""
    chunks = [copied.local]
    central = [copied.central]
    offset = len(copied.local)
    count = copied.count
    for stamp, data in members:
        compressed = deflate(data)
        if len(data) >= _LIMIT32 or offset >= _LIMIT32:
            raise TemplateLimitExceeded("The document would be too large to write.")
        entry = Entry(
            name=stamp.name,
            flags=stamp.flags,
            method=zipfile.ZIP_DEFLATED,
            dos_time=stamp.dos_time,
            dos_date=stamp.dos_date,
            crc=zlib.crc32(data),
            compressed_size=len(compressed),
            size=len(data),
            offset=offset,
        )
        header = entry.local_header()
        chunks.append(header)
        chunks.append(compressed)
        central.append(entry.central_record())
        offset += len(header) + len(compressed)
        count += 1
    directory = b"".join(central)
    if count > _MAX_ENTRIES or offset + len(directory) >= _LIMIT32:
        raise TemplateLimitExceeded("The document would be too large to write.")
    chunks.append(directory)
    chunks.append(
        _END.pack(_END_SIGNATURE, 0, 0, count, count, len(directory), offset, 0)
    )
    return b"".join(chunks)
