"""The ``.wandb`` framing and record decoding, on bytes built by hand here (the framing
of ``wandb.sdk.internal.datastore`` / wandb-core's ``leveldb``), and against records
encoded by wandb's own protobuf classes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from app.integrations.wandb import records
from app.integrations.wandb.framing import (
    BLOCK_LEN,
    Damage,
    NotATransactionLog,
    Record,
    read_records,
    write_records,
)
from app.integrations.wandb.reader import read_run

HEADER = b":W&B" + struct.pack("<H", 0xBEE1) + b"\x00"


def chunk(kind: int, payload: bytes, *, checksum: int | None = None) -> bytes:
    crc = zlib.crc32(bytes([kind]) + payload) if checksum is None else checksum
    return struct.pack("<IHB", crc, len(payload), kind) + payload


def payloads(items: list[Record | Damage]) -> list[bytes]:
    return [item.data for item in items if isinstance(item, Record)]


def damages(items: list[Record | Damage]) -> list[Damage]:
    return [item for item in items if isinstance(item, Damage)]


def test_full_records_in_order() -> None:
    data = HEADER + chunk(1, b"one") + chunk(1, b"") + chunk(1, b"three")
    items = list(read_records(data))
    assert payloads(items) == [b"one", b"", b"three"]
    assert [item.offset for item in items if isinstance(item, Record)] == [7, 17, 24]


def test_a_record_in_pieces_across_blocks_and_padding() -> None:
    # FIRST fills block 0 to 3 bytes short of its end (zero padding), MIDDLE fills block 1,
    # LAST ends in block 2
    first = b"a" * (BLOCK_LEN - 7 - 7 - 3)
    middle = b"b" * (BLOCK_LEN - 7)
    last = b"c" * 10
    data = HEADER + chunk(2, first) + bytes(3) + chunk(3, middle) + chunk(4, last)
    data += chunk(1, b"after")
    assert len(HEADER + chunk(2, first) + bytes(3)) == BLOCK_LEN
    items = list(read_records(data))
    assert payloads(items) == [first + middle + last, b"after"]
    assert damages(items) == []


def test_the_writer_frames_as_the_reader_reads() -> None:
    records_in = [bytes([i % 251]) * (i * 977 % 70_000) for i in range(40)]
    data = write_records(records_in)
    assert data.startswith(HEADER)
    assert payloads(list(read_records(data))) == records_in


def test_a_wrong_header_is_not_a_log() -> None:
    with pytest.raises(NotATransactionLog):
        list(read_records(b"LEVELDB" + chunk(1, b"x")))
    with pytest.raises(NotATransactionLog):
        list(read_records(b":W&B"))


def test_a_truncated_tail_keeps_the_prefix_and_says_so() -> None:
    whole = HEADER + chunk(1, b"kept") + chunk(1, b"lost record")
    for cut in (len(whole) - 3, len(whole) - 12, len(whole) - 16):
        items = list(read_records(whole[:cut]))
        assert payloads(items) == [b"kept"]
        (damage,) = damages(items)
        assert "truncated" in damage.reason
        assert damage.offset == 7 + 7 + 4 and damage.offset + damage.length == cut


def test_a_truncated_record_in_pieces_is_reported() -> None:
    data = HEADER + chunk(1, b"kept") + chunk(2, b"first half")
    items = list(read_records(data))
    assert payloads(items) == [b"kept"]
    assert [d.reason for d in damages(items)] == ["truncated record at the end"]


def test_a_corrupt_chunk_costs_the_rest_of_its_block_only() -> None:
    block0 = HEADER + chunk(1, b"good") + chunk(1, b"bad", checksum=1234) + chunk(1, b"gone")
    block0 += bytes(BLOCK_LEN - len(block0))
    data = block0 + chunk(1, b"next block")
    items = list(read_records(data))
    assert payloads(items) == [b"good", b"next block"]
    (damage,) = damages(items)
    assert damage.reason == "checksum mismatch"
    assert damage.offset == 7 + 11 and damage.offset + damage.length == BLOCK_LEN


def test_zeros_over_a_chunk_header_are_damage_and_a_zeroed_tail_is_padding() -> None:
    wiped = chunk(1, b"wiped")
    block0 = HEADER + chunk(1, b"good") + bytes(7) + wiped[7:] + chunk(1, b"after")
    block0 += bytes(BLOCK_LEN - len(block0))  # the zeroed tail: padding, not damage
    data = block0 + chunk(1, b"next block")
    items = list(read_records(data))
    assert payloads(items) == [b"good", b"next block"]
    (damage,) = damages(items)
    assert damage.reason == "zeroed chunk header"
    assert damage.offset == 7 + 11 and damage.offset + damage.length == BLOCK_LEN


def test_a_corrupt_length_and_an_orphan_piece_are_reported() -> None:
    bad_length = struct.pack("<IHB", 0, 60_000, 1)
    block0 = HEADER + chunk(1, b"good") + bad_length
    block0 += bytes(BLOCK_LEN - len(block0))
    # block 1 starts with the LAST piece of a record whose FIRST was lost
    data = block0 + chunk(4, b"tail of lost") + chunk(1, b"whole")
    items = list(read_records(data))
    assert payloads(items) == [b"good", b"whole"]
    assert [d.reason for d in damages(items)] == [
        "chunk longer than its block",
        "chunk without the start of its record",
    ]


# --- protobuf wire format ------------------------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(raw)) + raw


def item(key: str, value_json: str) -> bytes:
    return field(1, key) + field(16, value_json)


def test_history_record_decoded_from_hand_built_bytes() -> None:
    history = field(1, item("loss", "0.5")) + field(1, item("_step", "7"))
    history += field(2, field(1, 7))
    record = field(1, 42) + field(2, history) + field(19, "uuid-ignored")
    decoded = records.decode_record(record)
    assert decoded is not None and decoded.kind == records.HISTORY
    assert decoded.value == records.History(
        [records.Item("loss", "0.5"), records.Item("_step", "7")], 7
    )


def test_nested_keys_unknown_fields_and_negative_exit() -> None:
    nested = field(2, "_wandb") + field(2, "runtime") + field(16, "3")
    summary = field(1, nested) + field(99, b"\x00\x01")  # unknown field skipped
    decoded = records.decode_record(field(3, summary))
    assert decoded is not None and decoded.kind == records.SUMMARY
    assert decoded.value == records.Updates([records.Item("_wandb.runtime", "3")], [])
    exit_record = records.decode_record(field(18, field(1, -1) + field(2, 12)))
    assert exit_record is not None and exit_record.value == records.Exit(-1, 12)
    assert records.decode_record(field(11, b"")) is None  # telemetry: not used


def test_malformed_bytes_raise_decode_error() -> None:
    for bad in (b"\x12\x05abc", b"\x08", b"\x0f", b"\x12\xff"):
        with pytest.raises(records.DecodeError):
            records.decode_record(bad)


def test_records_encoded_by_wandb_itself() -> None:
    """The field numbers against wandb's generated classes (installed for the tests)."""
    from wandb.proto import wandb_internal_pb2 as pb  # the dev group installs wandb

    run = pb.Record()
    run.run.run_id = "r1"
    run.run.project = "p"
    run.run.entity = "team"
    run.run.display_name = "name"
    run.run.notes = "notes"
    run.run.tags.extend(["a", "b"])
    run.run.start_time.FromSeconds(1_700_000_000)
    update = run.run.config.update.add()
    update.key = "lr"
    update.value_json = "0.1"
    decoded = records.decode_record(run.SerializeToString())
    assert decoded is not None and isinstance(decoded.value, records.Run)
    got = decoded.value
    assert (got.run_id, got.project, got.entity, got.display_name, got.notes) == (
        "r1",
        "p",
        "team",
        "name",
        "notes",
    )
    assert got.tags == ["a", "b"] and got.config == [records.Item("lr", "0.1")]
    assert got.start_time is not None and got.start_time.timestamp() == 1_700_000_000

    output = pb.Record()
    output.output_raw.output_type = pb.OutputRawRecord.STDOUT
    output.output_raw.line = "hello\n"
    output.output_raw.timestamp.FromMilliseconds(1_700_000_000_250)
    decoded = records.decode_record(output.SerializeToString())
    assert decoded is not None and decoded.kind == records.OUTPUT_RAW
    assert isinstance(decoded.value, records.Output)
    assert (decoded.value.stream, decoded.value.line) == ("stdout", "hello\n")
    assert decoded.value.timestamp is not None
    assert decoded.value.timestamp.timestamp() == pytest.approx(1_700_000_000.25)

    files = pb.Record()
    files.files.files.add().path = "model.pt"
    decoded = records.decode_record(files.SerializeToString())
    assert decoded is not None and decoded.value == records.Files(["model.pt"])


def _log_of(*record_bytes: bytes) -> bytes:
    return write_records(list(record_bytes))


def test_a_run_folder_read_from_hand_built_records(tmp_path: Path) -> None:
    """Console chunks joined into lines (a carriage return keeps the last state), nested
    history values as dotted keys, values that are not numbers counted, and wandb's own
    files left out of the artifacts."""
    run = field(17, field(1, "r9") + field(3, "proj") + field(10, "x"))
    history = (
        field(1, item("loss", "NaN"))
        + field(1, item("eval", '{"acc": 0.5, "img": {"_type": "image-file"}}'))
        + field(1, item("note", '"text"'))
        + field(1, item("_timestamp", "1700000000.5"))
        + field(2, field(1, 3))
    )

    def output(stream: int, text: str) -> bytes:
        return field(13, field(1, stream) + field(3, text))

    files = field(6, field(1, field(1, "model.pt")) + field(1, field(1, "output.log")))
    data = _log_of(
        run,
        field(2, history),
        output(1, "epoch 1"),
        output(1, " 10%\r 50%\r100%\nnext line\n"),
        output(0, "warning: partial"),
        files,
        field(18, field(1, 0)),
    )
    folder = tmp_path / "offline-run-x-r9"
    (folder / "files").mkdir(parents=True)
    (folder / "run-r9.wandb").write_bytes(data)
    (folder / "files" / "model.pt").write_bytes(b"w")
    (folder / "files" / "output.log").write_bytes(b"o")

    got = read_run(folder)
    assert got.run_id == "r9" and got.run.tags == ["x"] and got.exit_code == 0
    assert set(got.history) == {"loss", "eval.acc"}
    assert got.history["loss"].values == ["NaN"]
    assert got.history["eval.acc"].steps == [3]
    assert got.history["eval.acc"].epoch_ms == [1_700_000_000_500]
    assert [(line.stream, line.text) for line in got.console] == [
        ("stdout", "100%"),  # "epoch 1" + " 10%\r 50%\r100%": the last state
        ("stdout", "next line"),
        ("stderr", "warning: partial"),
    ]
    assert got.files == ["model.pt"]
    assert sorted(got.problems) == [
        "history key 'eval.img': 1 values that are not numbers",
        "history key 'note': 1 values that are not numbers",
    ]
