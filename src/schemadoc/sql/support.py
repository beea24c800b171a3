"""Helpers schemadoc installs in its own schema, so any client can insert a row the doc describes."""

from __future__ import annotations

SUPPORT_SCHEMA = "schemadoc"

# A collision-resistant id in cuid's shape: 'c', 8 base-36 chars of milliseconds, 16 random ones.
CUID_FUNCTION_SQL = """CREATE OR REPLACE FUNCTION schemadoc.cuid() RETURNS text
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
DECLARE
    alphabet constant text := '0123456789abcdefghijklmnopqrstuvwxyz';
    ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
    stamp text := '';
    tail text := '';
BEGIN
    WHILE ms > 0 LOOP
        stamp := substr(alphabet, (ms % 36)::int + 1, 1) || stamp;
        ms := ms / 36;
    END LOOP;
    FOR i IN 1..16 LOOP
        tail := tail || substr(alphabet, floor(random() * 36)::int + 1, 1);
    END LOOP;
    RETURN 'c' || lpad(stamp, 8, '0') || tail;
END
$$;"""

# Keeps the column named by the trigger argument current: set on INSERT when missing, and on
# UPDATE unless the statement set it itself (so explicit values, as Prisma sends, still win).
TOUCH_FUNCTION_SQL = """CREATE OR REPLACE FUNCTION schemadoc.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    col constant text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF to_jsonb(NEW) -> col = 'null'::jsonb THEN
            NEW := jsonb_populate_record(NEW, jsonb_build_object(col, current_timestamp));
        END IF;
    ELSIF (to_jsonb(NEW) -> col) IS NOT DISTINCT FROM (to_jsonb(OLD) -> col) THEN
        NEW := jsonb_populate_record(NEW, jsonb_build_object(col, current_timestamp));
    END IF;
    RETURN NEW;
END
$$;"""
