-- Setting a team up on PostgreSQL + PostGIS for iSAGE click records: what an administrator runs once per
-- database, with psql, as a superuser (or a role with CREATEROLE and CREATE on the database):
--
--     psql "service=isage_dba" -v ON_ERROR_STOP=1 -v schema=isage -f admin.sql
--
-- It is safe to run again (for another record's schema, say). It creates:
--   * the PostGIS extension;
--   * the owner role isage_owner (NOLOGIN): it owns each record's tables, functions and policies; no
--     person logs in as it. Whoever owns a table can drop it or disable its triggers, so only the
--     administrator is a member (this script makes the role running it one, to create records);
--   * the four group roles (NOLOGIN), whose privileges each record grants (schema.sql):
--       isage_annotator  adds clicks as themselves; retracts or annotates only their own
--       isage_reviewer   retracts anyone's click, with a reason
--       isage_trainer    the engine's account: reads everything, records runs and imagery fetches
--       isage_admin      keeps the classes and the frames
--     Nobody deletes anything: clicks, frames, frame sources and runs refuse DELETE and TRUNCATE even
--     from the owner (triggers), and no group has the privilege;
--   * the record's schema (-v schema=NAME, default isage), owned by isage_owner. Several records live in
--     one database as several schemas; the team (these roles) is the database cluster's.
--
-- Then create the record's tables in that schema, as the same administrator, from the engine:
--
--     python -c "from isage_core.record.postgres import connect, create_record, ClassDef as C; \
--         create_record(connect('service=isage_dba'), 'isage', [C(0, 'background', '#000000'), \
--         C(1, 'building', '#ff0000')], 'EPSG:31983')"
--
-- and add the people: one LOGIN role each, a member of exactly one group, with a password that only
-- they know (\password prompts for it and sends only its SCRAM hash: it never appears in a file, a
-- history or the server's log):
--
--     CREATE ROLE alice LOGIN IN ROLE isage_annotator;   \password alice
--     CREATE ROLE rita  LOGIN IN ROLE isage_reviewer;    \password rita
--     CREATE ROLE isage_engine LOGIN IN ROLE isage_trainer; \password isage_engine
--     CREATE ROLE ada   LOGIN IN ROLE isage_admin;       \password ada
--
-- (isage_core.record.postgres.add_person does the same from Python.) People's roles are plain: no
-- SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, and no membership of another person or
-- of isage_owner, so no one can SET ROLE or SET SESSION AUTHORIZATION to someone else. The server must
-- ask for passwords: in pg_hba.conf, scram-sha-256 for these roles (never trust or peer mapping
-- several people to one login), hostssl for connections from other machines. Connect directly, each
-- person as themselves: a pooler that logs everyone in as one role would make everyone that role.

\if :{?schema}
\else
\set schema isage
\endif

CREATE EXTENSION IF NOT EXISTS postgis;

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['isage_owner', 'isage_annotator', 'isage_reviewer', 'isage_trainer', 'isage_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

-- the administrator creates records as isage_owner (create_record sets that role for its transaction)
GRANT isage_owner TO CURRENT_USER;

CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION isage_owner;
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
