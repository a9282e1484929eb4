"""What an agency's data looks like, to compare before and after an upgrade or a restore.

``take(db)`` reads, straight from PostgreSQL (no Odoo process), every row the
suite stores:

- every table of a ``qi.*`` model and every ``qi_*`` many2many table (wizards
  left out: they are thrown away by design);
- the suite's columns on Odoo's tables (``res_partner.qi_uscc`` ...), for the
  rows where they hold something;
- what Odoo keeps about ``qi.*`` records elsewhere: their chatter messages,
  followers, activities and attachments, the ``qi_*`` settings and the next
  number of the ``qi.*`` sequences (how a sequence is implemented may change,
  the number it gives next may not).

``write_date`` and ``write_uid`` are left out: an update may rewrite a row
with the same values. ``differences(before, after)`` lists, in words, what an
operator would see changed. "Nothing changed" means:

- no row present before is gone, and each keeps the value of every column it
  had (a column added by the new release is not compared; a translated field
  may gain a language, never change one it had);
- no row appears, except records the new release ships (they carry an XML id
  of a ``qi_*`` module);
- records the release ships as updatable data (XML id, ``noupdate`` off) may
  change: the release owns them. Today every shipped record is ``noupdate``.

``allowed`` names what a release changes on purpose (its migration script
says why): ``"table.column"`` for values that may change, ``"table"`` for rows
that may be added or removed.
"""

import hashlib
import json

from . import db as harness_db

EXCLUDED_COLUMNS = ("write_date", "write_uid")
# Odoo's tables that hold something about qi.* records, and how to find those rows
ABOUT_QI = {
    "mail_message": "model LIKE 'qi.%%'",
    "mail_followers": "res_model LIKE 'qi.%%'",
    "mail_activity": "res_model LIKE 'qi.%%'",
    "ir_attachment": "res_model LIKE 'qi.%%'",
    "ir_config_parameter": "key LIKE 'qi\\_%%'",
}


def _rows(cr, sql, params=()):
    cr.execute(sql, params)
    rows = {}
    for (row,) in cr.fetchall():
        for column in EXCLUDED_COLUMNS:
            row.pop(column, None)
        key = row["id"] if "id" in row else json.dumps(row, sort_keys=True, default=str)
        rows[key] = row
    return rows


def _xmlids(cr, model):
    """ids of ``model``'s records shipped by qi_* modules: (all, the updatable ones)."""
    cr.execute(
        "SELECT res_id, noupdate FROM ir_model_data WHERE model = %s AND module LIKE 'qi\\_%%'",
        (model,),
    )
    rows = cr.fetchall()
    return {res_id for res_id, _ in rows}, {res_id for res_id, noupdate in rows if not noupdate}


def _table_exists(cr, table):
    cr.execute("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = %s", (table,))
    return bool(cr.fetchone())


def take(db):
    """{table label: {"model", "rows": {key: row}, "shipped", "updatable"}} of ``db``."""
    conn = harness_db.connect(db)
    try:
        with conn.cursor() as cr:
            return _take(cr)
    finally:
        conn.close()


def _take(cr):
    cr.execute("SELECT model, transient FROM ir_model")
    models = dict(cr.fetchall())
    table_model = {model.replace(".", "_"): model for model in models}
    cr.execute(
        """SELECT f.relation_table FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id
            WHERE m.transient AND f.ttype = 'many2many' AND f.relation_table IS NOT NULL"""
    )
    wizard_tables = {row[0] for row in cr.fetchall()}
    wizard_tables |= {table for table, model in table_model.items() if models[model]}
    cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'qi\\_%%'", ())
    tables = sorted(row[0] for row in cr.fetchall() if row[0] not in wizard_tables)
    found = {}
    for table in tables:
        model = table_model.get(table)
        shipped, updatable = _xmlids(cr, model) if model else (set(), set())
        rows = _rows(cr, f'SELECT to_jsonb(t) FROM "{table}" t')
        found[table] = {"model": model, "rows": rows, "shipped": shipped, "updatable": updatable}
    # the suite's fields on Odoo's own models
    cr.execute(
        r"""SELECT f.model, array_agg(f.name ORDER BY f.name) FROM ir_model_fields f
              JOIN ir_model m ON m.id = f.model_id
             WHERE NOT m.transient AND f.store AND f.ttype NOT IN ('one2many', 'many2many')
               AND f.name ~ '^(is_)?qi_' AND f.model NOT LIKE 'qi.%%'
             GROUP BY f.model""",
        (),
    )
    for model, names in cr.fetchall():
        table = model.replace(".", "_")
        if not _table_exists(cr, table):
            continue
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name = ANY(%s)",
            (table, names),
        )
        columns = sorted(row[0] for row in cr.fetchall())
        if not columns:
            continue
        pairs = ", ".join(f"'{c}', t.\"{c}\"" for c in columns)
        holds = " OR ".join(f"(t.\"{c}\" IS NOT NULL AND t.\"{c}\"::text NOT IN ('false', ''))" for c in columns)
        rows = _rows(cr, f"SELECT jsonb_build_object('id', t.id, {pairs}) FROM \"{table}\" t WHERE {holds}")
        shipped, updatable = _xmlids(cr, model)
        found[f"{table} (qi columns)"] = {"model": model, "rows": rows, "shipped": shipped, "updatable": updatable}
    for table, where in ABOUT_QI.items():
        model = table_model.get(table)
        rows = _rows(cr, f'SELECT to_jsonb(t) FROM "{table}" t WHERE {where}')
        shipped, updatable = _xmlids(cr, model)
        found[f"{table} (qi)"] = {"model": model, "rows": rows, "shipped": shipped, "updatable": updatable}
    # the next number of each qi.* sequence (per year when numbered per year) lives in a
    # PostgreSQL sequence of its own: a reset would number a new case like an old one
    next_numbers = {}
    for row in _rows(cr, "SELECT to_jsonb(t) FROM ir_sequence t WHERE code LIKE 'qi.%%'").values():
        counters = [(row["code"], "ir_sequence_%03d" % row["id"], row.get("number_next"))]
        cr.execute("SELECT id, date_from, number_next FROM ir_sequence_date_range WHERE sequence_id = %s", (row["id"],))
        for range_id, date_from, number_next in cr.fetchall():
            counters.append(
                (f"{row['code']} {date_from}", "ir_sequence_%03d_%03d" % (row["id"], range_id), number_next)
            )
        for key, name, number_next in counters:
            cr.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", (name,))
            if row.get("implementation") == "standard" and cr.fetchone():
                cr.execute(f'SELECT last_value, is_called FROM "{name}"')
                last_value, is_called = cr.fetchone()
                number_next = last_value + 1 if is_called else last_value
            next_numbers[key] = {"id": key, "next": number_next}
    found["next sequence numbers (qi)"] = {"model": None, "rows": next_numbers, "shipped": set(), "updatable": set()}
    return found


def summary(fingerprint):
    """{table: (row count, SHA-256 of its rows)}: one line per table for a report."""
    out = {}
    for table, part in sorted(fingerprint.items()):
        text = json.dumps(sorted(part["rows"].items(), key=lambda kv: str(kv[0])), sort_keys=True, default=str)
        out[table] = (len(part["rows"]), hashlib.sha256(text.encode()).hexdigest()[:16])
    return out


def _same(before, after):
    """A translated field (a dict of languages) may gain a language, never lose or change one."""
    if isinstance(before, dict) and isinstance(after, dict):
        return all(key in after and _same(value, after[key]) for key, value in before.items())
    return before == after


def differences(before, after, allowed=(), limit=40):
    """What changed between two fingerprints, in words; empty when nothing did."""
    allowed = set(allowed)
    found = []
    for table, old in sorted(before.items()):
        new = after.get(table)
        if new is None:
            if table not in allowed:
                found.append(f"{table}: the table is gone ({len(old['rows'])} rows)")
            continue
        for key, row in old["rows"].items():
            if key in old["updatable"]:
                continue  # the release owns its updatable records
            if key not in new["rows"]:
                if table not in allowed:
                    found.append(f"{table} {key}: the row is gone")
                continue
            changed = new["rows"][key]
            for column, value in row.items():
                if f"{table}.{column}" in allowed:
                    continue
                if column not in changed:
                    found.append(f"{table} {key}: column {column} is gone (was {value!r})")
                elif not _same(value, changed[column]):
                    found.append(f"{table} {key}: {column} {value!r} -> {changed[column]!r}")
        if table not in allowed:
            for key in new["rows"].keys() - old["rows"].keys():
                if key not in new["shipped"]:
                    found.append(f"{table} {key}: a row appeared: {new['rows'][key]!r}"[:300])
    if len(found) > limit:
        found = found[:limit] + [f"... and {len(found) - limit} more"]
    return found
