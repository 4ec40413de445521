"""Validates every line source-pinads wrote to stdout against the Airbyte protocol's own models.

argv: transcript files (one per run). Prints {"lines", "by_type", "problems"} as JSON. A problem is a line that is
not JSON, not an AirbyteMessage, lacks the member its type names, or carries a field the protocol does not define
(the models allow extra fields; the protocol's blobs - record data, schemas, config, state - are the only free ones).
"""

import collections
import json
import sys

from airbyte_protocol.models import AirbyteMessage, AirbyteStateBlob
from pydantic import BaseModel

MEMBER = {
    "LOG": "log",
    "SPEC": "spec",
    "CONNECTION_STATUS": "connectionStatus",
    "CATALOG": "catalog",
    "RECORD": "record",
    "STATE": "state",
    "TRACE": "trace",
    "CONTROL": "control",
}


def extras(model, path):
    """Fields set on a model that its class does not declare, recursively (free-form blobs excepted)."""
    if isinstance(model, AirbyteStateBlob):
        return []
    found = [f"{path}.{k}" for k in model.__dict__ if k not in model.__fields__]
    for name in model.__fields__:
        v = getattr(model, name)
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, BaseModel):
                found += extras(item, f"{path}.{name}")
    return found


lines = 0
by_type = collections.Counter()
problems = []
for file in sys.argv[1:]:
    for n, line in enumerate(open(file), 1):
        lines += 1
        where = f"{file}:{n}"
        try:
            raw = json.loads(line)
            msg = AirbyteMessage.parse_obj(raw)
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            problems.append(f"{where}: {type(e).__name__}: {str(e)[:300]}")
            continue
        kind = msg.type.value
        by_type[kind] += 1
        if getattr(msg, MEMBER[kind], None) is None:
            problems.append(f"{where}: type {kind} without its {MEMBER[kind]}")
        problems += [f"{where}: undeclared field {p}" for p in extras(msg, "message")]
        if kind == "TRACE" and msg.trace.type.value == "ERROR" and msg.trace.error.failure_type is None:
            problems.append(f"{where}: error without failure_type")
        if kind == "TRACE" and msg.trace.type.value == "ERROR" and msg.trace.error.stack_trace:
            problems.append(f"{where}: a stack trace on stdout")
print(json.dumps({"lines": lines, "by_type": by_type, "problems": problems[:50]}))
