"""PostgreSQL health analysis through any DB-API 2 connection (optional helper).

The Rust core (``opsbrain::ops``) does no I/O: it analyses the rows of three
read-only queries, over ``pg_stat_statements``, ``pg_stat_user_indexes`` and
``pg_stat_user_tables``, and ``EXPLAIN (FORMAT JSON)`` plans. This module runs
those queries on a connection you already have and feeds the rows to the core.

It works with any DB-API 2 connection to PostgreSQL: psycopg 3, psycopg2, and
others that expose ``cursor()``. No driver is imported by opsbrain; install
one yourself (``pip install "psycopg[binary]"``). ``pg_stat_statements`` must
be loaded by the server (``shared_preload_libraries = 'pg_stat_statements'``)
and created in the database (``CREATE EXTENSION pg_stat_statements``).

- :func:`collect` runs the three queries (the SQL comes from
  ``opsbrain._native.pg_queries`` for the server's version) and returns their
  rows as dicts. It only reads.
- :func:`explain` runs ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` (or plain
  ``EXPLAIN (FORMAT JSON)``) and returns the parsed plan. ``analyze=True``
  executes the statement, inside a transaction or savepoint that is rolled back.
- :func:`analyze` does both and returns the core's findings: slow queries,
  unused indexes, bloated tables, and per plan the sequential scans with a
  selective filter and the suggested ``CREATE INDEX`` statements.

Example (needs a server, so not run as a doctest)::

    import psycopg
    from opsbrain.ops import postgres

    with psycopg.connect("postgresql://app@db.internal/shop") as conn:
        report = postgres.analyze(
            conn, explain=["SELECT * FROM orders WHERE customer_id = 42"]
        )
    for q in report["stats"]["slow_queries"]:
        print(f"{q['mean_time_ms']:8.1f} ms  {q['query'][:60]}")
    for i in report["stats"]["unused_indexes"]:
        print(i["drop_statement"])
    for t in report["stats"]["bloated_tables"]:
        print(t["table"], round(t["dead_tuple_percent"]), t["vacuum_statement"])
    for p in report["plans"]:
        for s in p["analysis"]["suggestions"]:
            if s["build"]:
                print(s["create_statement"])
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional, Union

from opsbrain import _native

__all__ = ["analyze", "collect", "explain"]

#: Any DB-API 2 connection to PostgreSQL (psycopg 3, psycopg2, ...).
Connection = Any

#: Statement parameters, in the driver's paramstyle (``%s`` / ``%(name)s`` for psycopg).
Params = Optional[Union[Sequence[Any], Mapping[str, Any]]]

#: A statement for :func:`analyze`'s ``explain``: SQL text, or (SQL, parameters).
ExplainTarget = Union[str, tuple[str, Params]]

_QUERY_KEYS = ("statements", "indexes", "tables")

# libpq's PQtransactionStatus values, as reported by psycopg 3 and psycopg2
# in ``conn.info.transaction_status``.
_TX_IDLE = 0


def collect(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Run the three statistics queries and return their rows.

    Returns ``{"statements": [...], "indexes": [...], "tables": [...]}``, each
    a list of dicts (column name -> value) with ``Decimal`` values converted
    to ``float``. The SQL comes from ``opsbrain._native.pg_queries`` for the
    server's ``server_version_num`` (column names differ between versions,
    e.g. ``total_exec_time`` since PostgreSQL 13).

    Only reads. The backend's cached statistics snapshot is discarded first
    (``pg_stat_clear_snapshot()``), so a long transaction still sees current
    numbers. When the connection is not in autocommit mode and the driver
    reports it was idle, the read transaction opened here is ended (rolled
    back) so no transaction is left open.

    Example (needs a server)::

        rows = collect(conn)
        top = max(rows["statements"], key=lambda r: r["total_exec_time"])
    """
    with _ReadTransaction(conn) as cur:
        cur.execute("SHOW server_version_num")
        version = int(_first_value(cur.fetchall(), "SHOW server_version_num"))
        queries: Mapping[str, str] = _native.pg_queries(version)
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.fetchall()
        out: dict[str, list[dict[str, Any]]] = {}
        for key in _QUERY_KEYS:
            if key not in queries:
                raise KeyError(f"pg_queries({version}) has no {key!r} query")
            cur.execute(queries[key])
            names = [str(col[0]) for col in cur.description]
            out[key] = [
                {name: _plain(value) for name, value in zip(names, row)}
                for row in cur.fetchall()
            ]
        return out


def explain(
    conn: Connection,
    sql: str,
    params: Params = None,
    *,
    analyze: bool = True,
) -> list[Any]:
    """Return the JSON plan of ``sql`` as a Python list (``[{"Plan": ...}]``).

    ``analyze=True`` runs ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) sql``,
    which EXECUTES the statement to measure it. So that an ``INSERT``,
    ``UPDATE`` or ``DELETE`` leaves nothing behind, it runs in a transaction
    that is rolled back:

    - autocommit connection, no transaction open (or the driver does not
      tell): ``BEGIN`` ... ``ROLLBACK``;
    - connection idle (as reported by ``conn.info.transaction_status``, psycopg
      3 and psycopg2) and not autocommit: the driver's implicit transaction,
      then ``conn.rollback()``;
    - otherwise (inside your transaction, or not autocommit and the driver
      does not tell):
      ``SAVEPOINT`` ... ``ROLLBACK TO SAVEPOINT``, so the work you did before
      in that transaction is kept.

    Side effects outside transactions (sequences advanced by ``nextval``,
    ``dblink`` calls, ...) cannot be rolled back; explain such statements
    with ``analyze=False``, which only plans (``EXPLAIN (FORMAT JSON)``).

    ``params`` are passed to the driver with the statement, in its paramstyle
    (``%s`` for psycopg). The plan's JSON is returned parsed whether the
    driver parses the ``json`` column or returns text.

    Example (needs a server)::

        plan = explain(conn, "SELECT * FROM orders WHERE customer_id = %s", (42,))
        plan[0]["Execution Time"]   # milliseconds
    """
    return _explain(conn, sql, params, analyze)


def analyze(
    conn: Connection,
    *,
    explain: Iterable[ExplainTarget] = (),
    options: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """Collect the statistics, explain some statements, and analyse it all.

    Returns ``{"stats": ..., "plans": [...]}``:

    - ``stats`` is ``opsbrain._native.analyze_pg_stats(statements, indexes,
      tables, options)`` over the rows of :func:`collect`: slow queries (mean
      over 100 ms by default) ranked by total time with their cache hit
      percent, unused indexes (not backing a primary key or unique
      constraint), and bloated tables (dead-tuple percent);
    - ``plans`` has, per entry of ``explain`` and in that order,
      ``{"sql": ..., "plan": <the JSON plan>, "analysis":
      opsbrain._native.analyze_explain(plan, options)}``: sequential scans
      with a selective filter, and index suggestions with a ``build`` flag.

    Each entry of ``explain`` is SQL text or ``(sql, params)``. They are
    explained with ``ANALYZE`` (see :func:`explain`: each is executed, in a
    transaction or savepoint that is rolled back). The statistics are read
    first, so these executions do not count in them.

    Example (needs a server)::

        report = analyze(conn, explain=[("SELECT * FROM orders WHERE customer_id = %s", (42,))])
        [s["create_statement"] for p in report["plans"]
         for s in p["analysis"]["suggestions"] if s["build"]]
    """
    targets: list[tuple[str, Params]] = []
    for item in explain:
        if isinstance(item, str):
            targets.append((item, None))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            targets.append((item[0], item[1]))
        else:
            raise ValueError(
                "analyze: each entry of explain must be SQL text or a (sql, params) tuple"
            )
    rows = collect(conn)
    stats = _native.analyze_pg_stats(
        rows["statements"], rows["indexes"], rows["tables"], options
    )
    plans: list[dict[str, Any]] = []
    for sql, params in targets:
        plan = _explain(conn, sql, params, True)
        plans.append(
            {"sql": sql, "plan": plan, "analysis": _native.analyze_explain(plan, options)}
        )
    return {"stats": stats, "plans": plans}


# ---- internals ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Driver values as the core takes them: Decimal (numeric) becomes float."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _first_value(rows: Sequence[Sequence[Any]], what: str) -> Any:
    if not rows or not rows[0]:
        raise ValueError(f"{what} returned no rows")
    return rows[0][0]


def _tx_status(conn: Connection) -> Optional[int]:
    """libpq's transaction status when the driver reports it, else None."""
    info = getattr(conn, "info", None)
    status = getattr(info, "transaction_status", None)
    try:
        return None if status is None else int(status)
    except (TypeError, ValueError):
        return None


def _autocommit(conn: Connection) -> bool:
    return bool(getattr(conn, "autocommit", False))


class _ReadTransaction:
    """A cursor for reads; afterwards, a transaction opened here is ended.

    Only when the connection is not autocommit and the driver reports it was
    idle before (then the transaction holds nothing of the caller's).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._end = not _autocommit(conn) and _tx_status(conn) == _TX_IDLE
        self._cur: Any = None

    def __enter__(self) -> Any:
        self._cur = self._conn.cursor()
        return self._cur

    def __exit__(self, *exc: object) -> None:
        try:
            self._cur.close()
        finally:
            if self._end:
                self._conn.rollback()


def _explain(conn: Connection, sql: str, params: Params, analyze: bool) -> list[Any]:
    if not isinstance(sql, str) or not sql.strip():
        raise ValueError("explain: sql must be a non-empty SQL string")
    statement = sql.strip().rstrip(";").rstrip()
    options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
    text = f"EXPLAIN ({options}) {statement}"
    if not analyze:
        with _ReadTransaction(conn) as cur:
            return _run_explain(cur, text, params)
    return _explain_rolled_back(conn, text, params)


def _run_explain(cur: Any, text: str, params: Params) -> list[Any]:
    if params is None:
        cur.execute(text)
    else:
        cur.execute(text, params)
    plan = _first_value(cur.fetchall(), "EXPLAIN")
    if isinstance(plan, (bytes, bytearray, memoryview)):
        plan = bytes(plan).decode("utf-8")
    if isinstance(plan, str):
        plan = json.loads(plan)
    if isinstance(plan, dict):
        plan = [plan]
    if not isinstance(plan, list):
        raise ValueError(f"EXPLAIN returned {type(plan).__name__}, expected a JSON plan")
    return plan


def _explain_rolled_back(conn: Connection, text: str, params: Params) -> list[Any]:
    status = _tx_status(conn)
    autocommit = _autocommit(conn)
    cur = conn.cursor()
    try:
        if autocommit and status in (None, _TX_IDLE):
            # Our own transaction block, sent as SQL (psycopg 3 and psycopg2
            # both pass BEGIN/ROLLBACK through in autocommit mode).
            cur.execute("BEGIN")
            try:
                return _run_explain(cur, text, params)
            finally:
                cur.execute("ROLLBACK")
        if status == _TX_IDLE:
            # Not autocommit: the driver opens the transaction; nothing of the
            # caller's is in it, so all of it is rolled back.
            try:
                return _run_explain(cur, text, params)
            finally:
                conn.rollback()
        # Inside the caller's transaction (or unknown): a savepoint keeps
        # their earlier work and undoes only this statement.
        cur.execute("SAVEPOINT opsbrain_explain")
        try:
            return _run_explain(cur, text, params)
        finally:
            cur.execute("ROLLBACK TO SAVEPOINT opsbrain_explain")
            cur.execute("RELEASE SAVEPOINT opsbrain_explain")
    finally:
        cur.close()
