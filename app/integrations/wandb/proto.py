"""The part of ``wandb_internal.proto`` an import reads, as protobuf descriptors built
here: ``protobuf``'s C parser (upb) decodes a ``Record`` in about a microsecond, where a
decoder in Python takes ~40 µs, and this needs neither ``wandb`` (large; its generated
``wandb_internal_pb2`` pins a protobuf range) nor ``protoc``.

Field numbers and types are those of wandb's file; fields and record types left out are
unknown fields to the parser and skipped. Declared ``proto2`` so that a string with bad
UTF-8 does not fail the whole record (proto3 validates it). ``tests/wandb`` checks these
descriptors against records encoded by wandb's own generated classes.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_OPTIONAL = descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL
_REPEATED = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
_TYPES = {
    "string": descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    "int64": descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
    "int32": descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
    "bool": descriptor_pb2.FieldDescriptorProto.TYPE_BOOL,
}
_PACKAGE = "expsvc.wandb_subset"

# message → [(field name, number, type or message name, repeated)]
_MESSAGES: dict[str, list[tuple[str, int, str, bool]]] = {
    "Timestamp": [("seconds", 1, "int64", False), ("nanos", 2, "int32", False)],
    "Item": [
        ("key", 1, "string", False),
        ("nested_key", 2, "string", True),
        ("value_json", 16, "string", False),
    ],
    "HistoryStep": [("num", 1, "int64", False)],
    "HistoryRecord": [("item", 1, "Item", True), ("step", 2, "HistoryStep", False)],
    # ConfigRecord and SummaryRecord
    "Updates": [("update", 1, "Item", True), ("remove", 2, "Item", True)],
    # OutputRecord and OutputRawRecord (output_type: STDERR = 0, STDOUT = 1)
    "OutputRecord": [
        ("output_type", 1, "int32", False),
        ("timestamp", 2, "Timestamp", False),
        ("line", 3, "string", False),
    ],
    "FilesItem": [("path", 1, "string", False)],
    "FilesRecord": [("files", 1, "FilesItem", True)],
    "RunRecord": [
        ("run_id", 1, "string", False),
        ("entity", 2, "string", False),
        ("project", 3, "string", False),
        ("config", 4, "Updates", False),
        ("run_group", 6, "string", False),
        ("job_type", 7, "string", False),
        ("display_name", 8, "string", False),
        ("notes", 9, "string", False),
        ("tags", 10, "string", True),
        ("host", 13, "string", False),
        ("start_time", 17, "Timestamp", False),
    ],
    "RunExitRecord": [("exit_code", 1, "int32", False), ("runtime", 2, "int32", False)],
    "Record": [
        ("num", 1, "int64", False),
        ("history", 2, "HistoryRecord", False),
        ("summary", 3, "Updates", False),
        ("output", 4, "OutputRecord", False),
        ("config", 5, "Updates", False),
        ("files", 6, "FilesRecord", False),
        ("output_raw", 13, "OutputRecord", False),
        ("run", 17, "RunRecord", False),
        ("exit", 18, "RunExitRecord", False),
    ],
}
# Record's oneof record_type, as in wandb's file
_ONEOF = ("history", "summary", "output", "config", "files", "output_raw", "run", "exit")


def _file() -> descriptor_pb2.FileDescriptorProto:
    file = descriptor_pb2.FileDescriptorProto(
        name="expsvc/wandb_subset.proto", package=_PACKAGE, syntax="proto2"
    )
    for name, fields in _MESSAGES.items():
        message = file.message_type.add(name=name)
        if name == "Record":
            message.oneof_decl.add(name="record_type")
        for field_name, number, kind, repeated in fields:
            field = message.field.add(
                name=field_name, number=number, label=_REPEATED if repeated else _OPTIONAL
            )
            if kind in _TYPES:
                field.type = _TYPES[kind]
            else:
                field.type = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
                field.type_name = f".{_PACKAGE}.{kind}"
            if name == "Record" and field_name in _ONEOF:
                field.oneof_index = 0
    return file


_pool = descriptor_pool.DescriptorPool()
_pool.Add(_file())
Record: Any = message_factory.GetMessageClass(_pool.FindMessageTypeByName(f"{_PACKAGE}.Record"))
