"""Writes a pgbench script that replays a booking's statements without the gateway.

usage: python3 bench/booking_replay.py <postgres log> <byte offset> <output.pgbench> <output.sql>
                                      [<bookings per transaction> <students>]

Reads, from the PostgreSQL server log after <byte offset>, the statements one booking ran
(logged with `log_min_duration_statement = 0`: each `execute` line with its SQL text and the
`parameters:` line after it) and writes them as one pgbench transaction: the statement text
exactly as the gateway sent it, with every parameter a pgbench variable, set by the script's
first statement: the per-booking ones from a row of `bench_replay`, the ones that are the same
for every booking from the one row of `bench_replay_const`, which <output.sql> creates with the
logged values (pgbench would read `:00` in a timestamp inside a literal as a variable). Every
parameter is cast to the type its logged value has, as the gateway's typed binds are.

With <bookings per transaction> B above 1, each transaction makes B bookings (a lookup and
the three statements under a savepoint, B times, then one COMMIT): what committing bookings
in groups would save. Client `c`'s j-th booking is for student `(c * B + j) mod <students>`, so that no two
clients lock the same student's accounts (with as many students as clients times B): the
grouping a batching gateway would need, one lane per group of students.
"""

import re
import sys

# statement -> {parameter number: variable of the lookup}; the rest are constants as logged
VARYING = {
    "take": {1: "slot_id", 3: "student_id"},
    "place": {
        1: "transfer_id",
        3: "hold_key",
        5: "amount",
        6: "hold_id",
        8: "meta",
        9: "student_id",
        10: "reference",
        11: "expires_at",
    },
    "book": {
        1: "booking_id",
        3: "slot_id",
        4: "mentor_id",
        5: "student_id",
        6: "amount",
        7: "hold_id",
        9: "now",
        10: "meeting_id",
        11: "mentor_user_id",
        12: "starts_at",
        13: "ends_at",
        14: "outbox_id",
    },
}

PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] ")
EXECUTE = re.compile(r"LOG:  duration: [\d.]+ ms  execute [^:]*: (.*)$")
PARAMS = re.compile(r"DETAIL:  parameters: (.*)$")
PARAM = re.compile(r"\$(\d+) = ")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


def entries(text):
    """(message, continuation lines joined) for each log entry."""
    out = []
    for line in text.splitlines():
        if PREFIX.match(line):
            out.append(PREFIX.sub("", line, count=1))
        elif out:
            out[-1] += "\n" + line
    return out


def parse_params(s):
    """`$1 = 'a', $2 = NULL, ...` -> {1: "a", 2: None}."""
    params, i = {}, 0
    while i < len(s):
        m = PARAM.match(s, i)
        if not m:
            raise SystemExit(f"unreadable parameters at {s[i:i + 40]!r}")
        n, i = int(m.group(1)), m.end()
        if s.startswith("NULL", i):
            params[n], i = None, i + 4
        else:
            assert s[i] == "'", s[i:]
            j, buf = i + 1, []
            while True:
                if s[j] == "'" and s[j + 1 : j + 2] == "'":
                    buf.append("'")
                    j += 2
                elif s[j] == "'":
                    break
                else:
                    buf.append(s[j])
                    j += 1
            params[n], i = "".join(buf), j + 1
        if s.startswith(", ", i):
            i += 2
    return params


def type_of(value):
    if value is None:
        return "text"
    if UUID.match(value):
        return "uuid"
    if re.fullmatch(r"-?\d+", value):
        return "int8"
    if value in ("t", "f"):
        return "bool"
    if TIMESTAMP.match(value):
        return "timestamptz"
    if value[:1] in ("{", "["):
        return "jsonb"
    return "text"


def literal(value, typ):
    if value is None:
        return f"NULL::{typ}"
    return "'" + value.replace("'", "''") + f"'::{typ}"


def kind(sql):
    if sql.startswith("UPDATE mentor_slots s SET status = 'booked'"):
        return "take"
    if sql.startswith("WITH acc AS ("):
        return "place"
    if sql.startswith("WITH b AS ("):
        return "book"
    return None


def main():
    log, offset, out, consts_out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        text = f.read()
    found, pending = {}, None
    for e in entries(text):
        first, newline, rest = e.partition("\n")
        m = EXECUTE.search(first)
        if m:
            sql = (m.group(1) + newline + rest).strip()
            pending = kind(sql), sql
            continue
        p = PARAMS.search(e)
        if p and pending and pending[0] and pending[0] not in found:
            found[pending[0]] = (pending[1], parse_params(p.group(1)))
        pending = None
    missing = [k for k in VARYING if k not in found]
    if missing:
        raise SystemExit(f"the log holds no {', '.join(missing)} statement of a booking")
    consts = {}
    bodies = []
    for k in ("take", "place", "book"):
        sql, params = found[k]
        varying = VARYING[k]

        def sub(m, k=k, params=params, varying=varying):
            n = int(m.group(1))
            value = params.get(n)
            typ = type_of(value)
            if n in varying:
                return f"(:{varying[n]})::{typ}"
            if value is None:
                return f"NULL::{typ}"
            consts[f"k_{k}_{n}"] = value
            return f"(:k_{k}_{n})::{typ}"

        # pgbench ends a statement at its semicolon; the bodies have none of their own
        bodies.append(re.sub(r"\$(\d+)\b", sub, sql) + ";")
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    students = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    lookup = [
        "SELECT r.slot_id, r.student_id, r.amount, r.mentor_id, r.mentor_user_id, r.starts_at,",
        "       r.ends_at, r.expires_at, x.transfer_id, x.hold_id, 'hold:' || x.hold_id AS hold_key,",
        "       x.booking_id, 'booking:' || x.booking_id AS reference,",
        "       jsonb_build_object('reference', 'booking:' || x.booking_id) AS meta, x.meeting_id,",
        "       x.outbox_id, now() AS now, k.*",
        "  FROM bench_replay r, bench_replay_const k,",
        "       LATERAL (SELECT bench_uuid7() AS transfer_id, bench_uuid7() AS hold_id,",
        "       bench_uuid7() AS booking_id, bench_uuid7() AS meeting_id, bench_uuid7() AS outbox_id) x",
        " WHERE r.i = (SELECT nextval('bench_replay_seq'))",
        "\\gset",
    ]
    head = "-- one booking's statements as the gateway sent them (generated by bench/booking_replay.py)"
    if batch <= 1:
        lines = [head, *lookup, "BEGIN;", *bodies, "COMMIT;"]
    else:
        # the student of row `students + s` of bench_replay is student s (rows are assigned
        # round-robin), and the slot still comes from the sequence
        lines = [f"-- {batch} bookings per transaction (generated by bench/booking_replay.py)", "BEGIN;"]
        for j in range(batch):
            lines.append(f"\\set s (:client_id * {batch} + {j}) % {students}")
            lines.extend(
                line.replace("r.student_id,", "st.student_id,").replace(
                    "  FROM bench_replay r,",
                    f"  FROM bench_replay r, (SELECT student_id FROM bench_replay WHERE i = {students} + :s) st,",
                )
                for line in lookup
            )
            # each booking under its own savepoint, so that one refused rolls back alone
            lines.extend(["SAVEPOINT booking;", *bodies, "RELEASE SAVEPOINT booking;"])
        lines.append("COMMIT;")
    with open(consts_out, "w", encoding="utf-8") as f:
        cols = ", ".join(f"{literal(v, 'text')} AS {name}" for name, v in consts.items())
        f.write(f"CREATE TABLE bench_replay_const AS SELECT {cols};\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
