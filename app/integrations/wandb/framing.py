"""The framing of a ``.wandb`` transaction log: W&B's variant of the LevelDB log format.

A 7-byte file header (``:W&B``, magic 0xBEE1 little-endian, version 0), then 32 KiB blocks
(the first one shortened by the header) of chunks: a 4-byte CRC-32 (IEEE, over the chunk
type byte and the payload; little-endian), a 2-byte length, a 1-byte type (FULL, FIRST,
MIDDLE, LAST) and the payload. A record is one FULL chunk or FIRST, MIDDLE…, LAST. A block's
tail shorter than a chunk header is zero padding. This is what ``wandb`` up to 0.29 read
with ``wandb.sdk.internal.datastore`` and wandb-core writes with its ``leveldb`` package.

``read_records`` yields every record it can and, instead of stopping at damage, reports it
(``Damage``) and resynchronises at the next block, as LevelDB's own reader recovers: a
corrupt chunk costs the rest of its block, a truncated tail is reported once.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

HEADER = struct.pack("<4sHB", b":W&B", 0xBEE1, 0)
HEADER_LEN = 7
BLOCK_LEN = 32768
CHUNK_HEADER_LEN = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4
_CRC_SEED = {kind: zlib.crc32(bytes([kind])) for kind in (FULL, FIRST, MIDDLE, LAST)}


class NotATransactionLog(ValueError):
    """The file does not start with the W&B header."""


@dataclass(frozen=True)
class Damage:
    """Bytes that could not be read: ``offset`` in the file, ``length`` bytes, and why."""

    offset: int
    length: int
    reason: str


@dataclass(frozen=True)
class Record:
    offset: int  # of its first chunk
    data: bytes


def read_records(data: bytes) -> Iterator[Record | Damage]:
    """The records of a whole transaction log, in order, with the damaged parts between
    them reported as ``Damage``. ``NotATransactionLog`` when the header is wrong."""
    if len(data) < HEADER_LEN or data[:HEADER_LEN] != HEADER:
        raise NotATransactionLog("not a W&B transaction log (bad header)")
    size = len(data)
    position = HEADER_LEN
    pending: list[bytes] = []
    pending_offset = -1
    unpack = struct.unpack_from
    crc32 = zlib.crc32
    while position < size:
        left_in_block = BLOCK_LEN - position % BLOCK_LEN
        if left_in_block < CHUNK_HEADER_LEN:  # the block's zero padding
            position += left_in_block
            continue
        if size - position < CHUNK_HEADER_LEN:
            yield Damage(position, size - position, "truncated chunk header at the end")
            pending = []
            break
        checksum, length, kind = unpack("<IHB", data, position)
        start = position + CHUNK_HEADER_LEN
        end = start + length
        problem = ""
        if kind == 0 and length == 0 and checksum == 0:
            # a zeroed rest of a block (a writer that preallocated): skip to the next
            # block; zeros over a chunk header with data after them are damage
            block_end = min(position + left_in_block, size)
            if data.count(0, position, block_end) == block_end - position:
                position += left_in_block
                continue
            problem = "zeroed chunk header"
        elif kind not in _CRC_SEED:
            problem = f"unknown chunk type {kind}"
        elif length > left_in_block - CHUNK_HEADER_LEN:
            problem = "chunk longer than its block"
        elif end > size:
            yield Damage(position, size - position, "truncated record at the end")
            pending = []
            break
        else:
            payload = data[start:end]
            if crc32(payload, _CRC_SEED[kind]) != checksum:
                problem = "checksum mismatch"
        if problem:
            lost_from = pending_offset if pending else position
            next_block = position + left_in_block
            yield Damage(lost_from, min(next_block, size) - lost_from, problem)
            pending = []
            position = next_block
            continue
        if kind == FULL:
            if pending:
                yield Damage(pending_offset, position - pending_offset, "record left unfinished")
                pending = []
            yield Record(position, payload)
        elif kind == FIRST:
            if pending:
                yield Damage(pending_offset, position - pending_offset, "record left unfinished")
            pending = [payload]
            pending_offset = position
        elif not pending:  # MIDDLE or LAST without its FIRST: the start was lost
            yield Damage(position, end - position, "chunk without the start of its record")
        else:
            pending.append(payload)
            if kind == LAST:
                yield Record(pending_offset, b"".join(pending))
                pending = []
        position = end
    if pending:
        yield Damage(pending_offset, size - pending_offset, "truncated record at the end")


def write_records(payloads: list[bytes]) -> bytes:
    """A transaction log holding ``payloads``, framed as ``wandb`` frames them: for tests
    of the reader, and for benchmarks that need a large run without running ``wandb``."""
    out = bytearray(HEADER)
    for payload in payloads:
        rest = payload
        first = True
        while True:
            left_in_block = BLOCK_LEN - len(out) % BLOCK_LEN
            if left_in_block < CHUNK_HEADER_LEN:
                out += bytes(left_in_block)
                continue
            room = left_in_block - CHUNK_HEADER_LEN
            piece, rest = rest[:room], rest[room:]
            last = not rest
            kind = (FULL if last else FIRST) if first else (LAST if last else MIDDLE)
            checksum = zlib.crc32(piece, _CRC_SEED[kind])
            out += struct.pack("<IHB", checksum, len(piece), kind) + piece
            first = False
            if last:
                break
    return bytes(out)
