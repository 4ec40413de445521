"""Drives source-pinads through PyAirbyte as a user would, against a running sandbox; prints one JSON result.

argv: a JSON file {"executable", "config", "streams", "incremental_streams", "work_dir", "sandbox_url",
"truth_queries", "faults", "rate_limits", "faulty_streams"}. The steps: check;
read every stream into a DuckDB cache; the pre-read token is then rejected; restate; an incremental read with the
saved state and the rotated config; a full read of the faulty_streams from a fresh grant under faults and enforced rate limits; a read
after the login's tokens are revoked. Records come back from the caches as text, for the test to hold to the truth.
"""

import datetime
import decimal
import json
import sys
import time
import urllib.request

import airbyte as ab
from airbyte.caches import DuckDBCache

args = json.load(open(sys.argv[1]))
work = args["work_dir"]
sandbox = args["sandbox_url"]


def control(path, body):
    req = urllib.request.Request(
        sandbox + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    return json.load(urllib.request.urlopen(req))


def truth():
    """The sandbox's truth now, for the queries the test gave (one per account), so a read is compared with the
    truth of its own moment."""
    return {k: json.load(urllib.request.urlopen(sandbox + q))["rows"] for k, q in args["truth_queries"].items()}


def text(v):
    if isinstance(v, bool):  # as JSON writes it, before str() would make it "True"
        return "true" if v else "false"
    if isinstance(v, decimal.Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v if v is None or isinstance(v, str) else str(v)


def rows(cache, stream):
    return [
        {k: text(v) for k, v in r.items() if not k.startswith("_airbyte")} for r in cache[stream]
    ]


class Holder:
    """The latest config: PyAirbyte hands every CONNECTOR_CONFIG control message to the callback."""

    def __init__(self, config):
        self.config = config
        self.changes = 0

    def __call__(self, config):
        self.config = config
        self.changes += 1


def source_for(holder):
    s = ab.get_source(
        "source-pinads",
        local_executable=args["executable"],
        config=holder.config,
        config_change_callback=holder,
        streams=args["streams"],
    )
    return s


def failure(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the test wants whatever PyAirbyte raised, as text
        return f"{type(e).__name__}: {e}"
    return None


out = {}
started = time.monotonic()
steps = {}


def lap(name):
    steps[name] = round(time.monotonic() - started, 1)


lap("import")
holder = Holder(dict(args["config"]))
source = source_for(holder)
source.check()
out["check_rotated"] = holder.changes
lap("check")
cache = DuckDBCache(db_path=f"{work}/first.duckdb")
before_read = holder.config["refresh_token"]
source.set_config(holder.config)
first = source.read(cache=cache)
out["first"] = {s: rows(cache, s) for s in first.streams}
out["truth_first"] = truth()
lap("first_read")
out["rotations_after_first"] = holder.changes
old = Holder({**holder.config, "refresh_token": before_read})
out["old_token_check"] = failure(lambda: source_for(old).check())
lap("old_token")

control("/__sandbox/restate", {"days_back": 2})
source.set_config(holder.config)
# Only the incremental streams: the full-refresh ones were held to the truth after the first read.
source.select_streams(args["incremental_streams"])
second = source.read(cache=cache)
out["second_counts"] = {s: second.processed_records for s in second.streams}
out["after_second"] = {s: rows(cache, s) for s in second.streams}
out["truth_second"] = truth()
lap("second_read")

# A fresh grant under faults and Pinterest's limits, enforced and scaled down so they bite.
fresh = Holder({**holder.config, "refresh_token": control("/__sandbox/refresh_tokens", {})["refresh_token"]})
control("/__sandbox/rate_limits", args["rate_limits"])
control("/__sandbox/faults", args["faults"])
faulty = DuckDBCache(db_path=f"{work}/faulty.duckdb")
faulty_source = source_for(fresh)
faulty_source.select_streams(args["faulty_streams"])
faulty_source.read(cache=faulty, force_full_refresh=True)
out["faulty"] = {s: rows(faulty, s) for s in args["faulty_streams"]}
lap("faulty_read")
control("/__sandbox/faults", {"rate": 0})
control("/__sandbox/rate_limits", {"enabled": False})

control("/__sandbox/revoke", {"all": True})
revoked = source_for(fresh)
revoked.select_streams(["ad_daily_metrics"])
out["revoked"] = failure(lambda: revoked.read(cache=DuckDBCache(db_path=f"{work}/revoked.duckdb")))
lap("revoked_read")
out["seconds"] = steps
print(json.dumps(out))
