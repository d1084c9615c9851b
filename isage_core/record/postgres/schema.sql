-- The iSAGE click record on PostgreSQL/PostGIS: the GeoPackage record's tables (record/schema.py, schema 4),
-- its audit rules enforced by the database whatever program connects, and the team's roles.
--
-- create_record() (store.py) runs this file in one transaction, as the record's owner role (isage_owner),
-- with search_path = <the record's schema>, <PostGIS's schema>, pg_temp: every object lands in the
-- record's schema, and every function keeps that search_path (SET search_path FROM CURRENT), so a
-- caller's temporary tables or search_path cannot stand in for the record's tables. The group roles
-- (isage_annotator, isage_reviewer, isage_trainer, isage_admin) exist already (admin.sql). The SRID of
-- the point columns, the schema version, the CRS and the classes are set by create_record afterwards.
--
-- Errors raised here start with their kind and a colon ("budget: ...", "duplicate: ..."), as the
-- GeoPackage record's batch refusals do; the HINT says what to do.

-- ---- tables ----------------------------------------------------------------------------------------
CREATE TABLE isage_meta (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL UNIQUE,
    value text
);

CREATE TABLE classes (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id integer NOT NULL UNIQUE CHECK (id >= 0),
    name text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    color text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$')
);

CREATE TABLE frames (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    path text,
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    band_count integer,
    dtype text,
    crs_wkt text NOT NULL DEFAULT '',
    transform text NOT NULL CHECK (jsonb_array_length(transform::jsonb) >= 6),  -- JSON [a, b, c, d, e, f]
    nodata double precision,
    fingerprint text UNIQUE,
    added_utc timestamptz NOT NULL DEFAULT now()
);

-- where each frame's imagery came from (without credentials) and every later fetch or check of it
CREATE TABLE frame_sources (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    frame text NOT NULL REFERENCES frames (name),
    event text NOT NULL CHECK (event IN ('added', 'unchanged', 'changed')),
    source text NOT NULL,
    fingerprint text NOT NULL,
    fetched_utc timestamptz NOT NULL DEFAULT now(),
    detail text
);

CREATE TABLE runs (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iteration integer NOT NULL CHECK (iteration >= 0),
    model_path text,
    clicks_used integer,
    clicks_hash text,
    metrics text,      -- JSON, as the engine wrote it
    unresolved text,   -- JSON
    started_utc text,  -- the training process's own clock
    finished_utc text,
    duration_s double precision,
    device text
);
CREATE INDEX runs_iteration ON runs (iteration);

-- The clicks. row/col in the frame are the truth for training; geom is the pixel centre in the record's
-- CRS, for display (its SRID is set by create_record). Who (annotator), when (created_utc) and the
-- iteration are written by the database (clicks_before_insert), never by the client.
CREATE TABLE clicks (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(Point),
    uid text NOT NULL UNIQUE DEFAULT replace(gen_random_uuid()::text, '-', '') CHECK (uid ~ '^[0-9a-f]{32}$'),
    frame text NOT NULL REFERENCES frames (name),
    row integer NOT NULL CHECK (row >= 0),
    col integer NOT NULL CHECK (col >= 0),
    class_id integer NOT NULL REFERENCES classes (id),
    iteration integer NOT NULL CHECK (iteration >= 0),
    annotator text NOT NULL,
    created_utc timestamptz NOT NULL DEFAULT now(),
    note text DEFAULT '',
    retracted boolean NOT NULL DEFAULT false,
    retracted_utc timestamptz,
    retracted_by text,
    retract_reason text,
    CHECK (retracted = (retracted_utc IS NOT NULL) AND retracted = (retracted_by IS NOT NULL))
);
-- The budget and the pixel rules, race-proof whatever the isolation level: a unique index makes a second
-- transaction inserting the same key wait for the first and fail once the first commits.
-- The budget is the TEAM's, not each person's: at most one unretracted click per class per frame per
-- iteration, whoever made it. The method's budget bounds the labels the model gets per round (it is what
-- the paper's sparse-annotation results are measured against), not a person's effort: eight people
-- clicking one frame must not hand the model eight times the labels of one person.
CREATE UNIQUE INDEX clicks_team_budget ON clicks (frame, class_id, iteration) WHERE NOT retracted;
-- One live label per pixel whatever its iteration (training at N uses every iteration <= N, so two live
-- clicks on one pixel would be a duplicate, or a conflict when their classes differ); the GeoPackage's
-- batch check refuses the same.
CREATE UNIQUE INDEX clicks_one_per_pixel ON clicks (frame, row, col) WHERE NOT retracted;
CREATE INDEX clicks_iteration ON clicks (iteration);
CREATE INDEX clicks_geom ON clicks USING gist (geom);

-- The accuracy assessment (record/assessment.py): designs and sample points are never changed or
-- deleted; labels follow the clicks' audit rules; no training click lands on a sample pixel.
CREATE TABLE assessment_designs (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    design_id text NOT NULL UNIQUE,
    created_utc timestamptz NOT NULL DEFAULT now(),
    created_by text,
    iteration integer NOT NULL,
    seed bigint NOT NULL,
    settings text NOT NULL,
    strata text NOT NULL,
    population text NOT NULL
);

CREATE TABLE assessment_points (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(Point),
    design_id text NOT NULL REFERENCES assessment_designs (design_id),
    point_id integer NOT NULL,
    frame text NOT NULL REFERENCES frames (name),
    row integer NOT NULL,
    col integer NOT NULL,
    stratum integer NOT NULL,
    click_distance_px integer,
    UNIQUE (design_id, point_id)
);
CREATE INDEX assessment_points_pixel ON assessment_points (frame, row, col);

CREATE TABLE assessment_labels (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid text NOT NULL UNIQUE DEFAULT replace(gen_random_uuid()::text, '-', '') CHECK (uid ~ '^[0-9a-f]{32}$'),
    design_id text NOT NULL,
    point_id integer NOT NULL,
    class_id integer REFERENCES classes (id),
    unsure boolean NOT NULL DEFAULT false,
    annotator text NOT NULL,
    created_utc timestamptz NOT NULL DEFAULT now(),
    note text DEFAULT '',
    retracted boolean NOT NULL DEFAULT false,
    retracted_utc timestamptz,
    retracted_by text,
    retract_reason text,
    FOREIGN KEY (design_id, point_id) REFERENCES assessment_points (design_id, point_id),
    CHECK (unsure = (class_id IS NULL)),
    CHECK (retracted = (retracted_utc IS NOT NULL) AND retracted = (retracted_by IS NOT NULL))
);
CREATE UNIQUE INDEX assessment_labels_one_per_point ON assessment_labels (design_id, point_id)
    WHERE NOT retracted;

-- Never holds a row: the lock that orders clicks and runs (clicks_before_insert, runs_before_insert).
CREATE TABLE iteration_lock (unused boolean);

-- ---- what is never deleted, never changed ------------------------------------------------------------
-- TG_ARGV[0]: what the table holds; TG_ARGV[1]: what to do instead. Statement triggers: they fire for
-- every DELETE, UPDATE or TRUNCATE, even one matching no row, and for the owner too.
CREATE FUNCTION isage_never_deleted() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'P0001',
        MESSAGE = format('deleted: iSAGE %s are never deleted (%s refused for %s)', TG_ARGV[0], TG_OP, session_user),
        HINT = TG_ARGV[1];
END $$;

CREATE FUNCTION isage_never_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'P0001',
        MESSAGE = format('changed: iSAGE %s are never changed (%s refused for %s)', TG_ARGV[0], TG_OP, session_user),
        HINT = TG_ARGV[1];
END $$;

CREATE TRIGGER clicks_never_deleted BEFORE DELETE OR TRUNCATE ON clicks FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('clicks', 'retract the click instead: it stays, with who, when and why');
CREATE TRIGGER frames_never_deleted BEFORE DELETE OR TRUNCATE ON frames FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('frames', 'clicks and runs refer to them; add other frames instead');
CREATE TRIGGER frame_sources_never_deleted BEFORE DELETE OR TRUNCATE ON frame_sources FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('frame sources', 'each fetch adds a row');
CREATE TRIGGER frame_sources_never_changed BEFORE UPDATE ON frame_sources FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_changed('frame sources', 'each fetch adds a row');
CREATE TRIGGER runs_never_deleted BEFORE DELETE OR TRUNCATE ON runs FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('runs', 'a run is the history of the model; train a new one');
CREATE TRIGGER runs_never_changed BEFORE UPDATE ON runs FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_changed('runs', 'a run is the history of the model; train a new one');
CREATE TRIGGER classes_never_deleted BEFORE DELETE OR TRUNCATE ON classes FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('classes', 'clicks refer to them; rename the class instead');
CREATE TRIGGER meta_never_deleted BEFORE DELETE OR TRUNCATE ON isage_meta FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('record settings', 'they describe the record');
CREATE TRIGGER designs_never_deleted BEFORE DELETE OR TRUNCATE ON assessment_designs FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('assessment designs', 'create a new design instead');
CREATE TRIGGER designs_never_changed BEFORE UPDATE ON assessment_designs FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_changed('assessment designs', 'create a new design instead');
CREATE TRIGGER points_never_deleted BEFORE DELETE OR TRUNCATE ON assessment_points FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('assessment sample points', 'create a new design instead');
CREATE TRIGGER points_never_changed BEFORE UPDATE ON assessment_points FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_changed('assessment sample points', 'create a new design instead');
CREATE TRIGGER labels_never_deleted BEFORE DELETE OR TRUNCATE ON assessment_labels FOR EACH STATEMENT
    EXECUTE FUNCTION isage_never_deleted('assessment labels', 'retract the label instead');

-- A class keeps its id (clicks refer to it); its name and colour may change.
CREATE FUNCTION classes_before_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.fid IS DISTINCT FROM OLD.fid OR NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION USING MESSAGE = format('changed: class %s keeps its id (clicks refer to it)', OLD.id),
            HINT = 'add a new class instead';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER classes_before_update BEFORE UPDATE ON classes FOR EACH ROW EXECUTE FUNCTION classes_before_update();

-- A frame's raster is fixed (its pixels are what clicks point at); only where the file lies may change.
CREATE FUNCTION frames_before_write() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    record_wkt text := coalesce((SELECT value FROM isage_meta WHERE key = 'crs_wkt'), '');
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.fid, NEW.name, NEW.width, NEW.height, NEW.band_count, NEW.dtype, NEW.crs_wkt, NEW.transform,
            NEW.nodata, NEW.fingerprint, NEW.added_utc) IS DISTINCT FROM (OLD.fid, OLD.name, OLD.width,
            OLD.height, OLD.band_count, OLD.dtype, OLD.crs_wkt, OLD.transform, OLD.nodata, OLD.fingerprint,
            OLD.added_utc) THEN
            RAISE EXCEPTION USING MESSAGE = format('changed: frame %L keeps its raster; only its path changes', OLD.name),
                HINT = 'add the other raster as a new frame';
        END IF;
        RETURN NEW;
    END IF;
    NEW.added_utc := now();
    IF (record_wkt = '') <> (coalesce(NEW.crs_wkt, '') = '') THEN
        RAISE EXCEPTION USING MESSAGE = format('crs: frame %L %s', NEW.name, CASE WHEN record_wkt = ''
            THEN 'is georeferenced but the record has no CRS' ELSE 'has no CRS but the record has one' END),
            HINT = 'use a record of its own for it, or georeference the frame';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER frames_before_write BEFORE INSERT OR UPDATE ON frames FOR EACH ROW EXECUTE FUNCTION frames_before_write();

-- ---- clicks: who, when, the iteration, the budget -------------------------------------------------------
-- SECURITY DEFINER (as the record's owner) only so that it may lock iteration_lock, on which nobody else
-- has any privilege (a person could otherwise take its lock exclusively and stop every click); the person
-- is still session_user, which neither SET ROLE nor a SECURITY DEFINER function changes.
CREATE FUNCTION clicks_before_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    f frames%ROWTYPE;
    live record;
    t double precision[];
    here text;
BEGIN
    -- The iteration is read after the lock below; a REPEATABLE READ or SERIALIZABLE transaction reads with
    -- a snapshot taken before it, which could predate a run just recorded: refused.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION USING MESSAGE = format('isolation: iSAGE clicks are added in READ COMMITTED transactions, not %s',
            upper(current_setting('transaction_isolation'))),
            HINT = 'add clicks with the default isolation level';
    END IF;
    -- Who: the connected login, never what the client says (a different name is refused, not rewritten,
    -- so an attempt to record a click as someone else is an error, not a silent change).
    IF coalesce(NEW.annotator, '') NOT IN ('', session_user) THEN
        RAISE EXCEPTION USING MESSAGE = format('annotator: clicks are recorded as the connected user %L, not %L',
            session_user, NEW.annotator),
            HINT = 'each person connects with their own login';
    END IF;
    IF NEW.retracted OR NEW.retracted_utc IS NOT NULL OR NEW.retracted_by IS NOT NULL
        OR NEW.retract_reason IS NOT NULL THEN
        RAISE EXCEPTION USING MESSAGE = 'retracted: a new click is not retracted', HINT = 'add it, then retract it';
    END IF;
    NEW.annotator := session_user;
    NEW.created_utc := now();
    -- The iteration: 1 + the last run's, or 0. A run being recorded holds iteration_lock in EXCLUSIVE mode
    -- (runs_before_insert) until it commits; this ROW SHARE lock waits for it and is held to the end of
    -- the click's transaction, so a run also waits for the clicks being added. Every statement of this
    -- volatile function reads with a new READ COMMITTED snapshot, taken after the lock: a click either
    -- commits before the run and is of its iteration, or reads the run and is of the next one, exactly as
    -- the GeoPackage's single writer orders them. ROW SHARE locks do not block each other: annotators only
    -- wait for a run being recorded (milliseconds), never for each other.
    LOCK TABLE iteration_lock IN ROW SHARE MODE;
    SELECT coalesce(max(iteration) + 1, 0) INTO NEW.iteration FROM runs;

    SELECT * INTO f FROM frames WHERE name = NEW.frame;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING MESSAGE = format('unknown frame: no frame named %L', NEW.frame),
            HINT = 'the record''s administrator adds frames';
    END IF;
    IF NOT EXISTS (SELECT FROM classes WHERE id = NEW.class_id) THEN
        RAISE EXCEPTION USING MESSAGE = format('unknown class: %s is not a class of the record', NEW.class_id),
            HINT = 'the record''s administrator adds classes';
    END IF;
    here := format('pixel (%s, %s) of frame %L', NEW.row, NEW.col, NEW.frame);
    IF NEW.row < 0 OR NEW.col < 0 OR NEW.row >= f.height OR NEW.col >= f.width THEN
        RAISE EXCEPTION USING MESSAGE = format('outside: %s is outside the frame (%sx%s pixels)', here, f.width, f.height),
            HINT = 'click inside the frame';
    END IF;
    IF EXISTS (SELECT FROM assessment_points WHERE frame = NEW.frame AND row = NEW.row AND col = NEW.col) THEN
        RAISE EXCEPTION USING MESSAGE = format('assessment sample: %s is a point of the accuracy assessment sample (kept off training)', here),
            HINT = 'click a neighbouring pixel';
    END IF;
    -- Friendly refusals for what is already committed; the unique indexes refuse what races past these.
    SELECT class_id, uid INTO live FROM clicks
        WHERE frame = NEW.frame AND row = NEW.row AND col = NEW.col AND NOT retracted LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING MESSAGE = format('%s: %s already has a click of class %s',
            CASE WHEN live.class_id = NEW.class_id THEN 'duplicate' ELSE 'conflict' END, here, live.class_id),
            HINT = format('retract click %s first to change its label', live.uid);
    END IF;
    SELECT uid INTO live FROM clicks
        WHERE frame = NEW.frame AND class_id = NEW.class_id AND iteration = NEW.iteration AND NOT retracted LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING MESSAGE = format('budget: frame %L already has a click of class %s in iteration %s (uid %s)',
            NEW.frame, NEW.class_id, NEW.iteration, live.uid),
            HINT = 'the team''s budget is one click per class per frame per iteration; retract that click first, or wait for the next iteration';
    END IF;
    -- The point: the pixel centre, computed here from the frame's transform when the frame is in the
    -- record's CRS; for a frame in another CRS the client sends it, reprojected into the record's CRS.
    IF f.crs_wkt = coalesce((SELECT value FROM isage_meta WHERE key = 'crs_wkt'), '') THEN
        t := ARRAY(SELECT jsonb_array_elements_text(f.transform::jsonb)::double precision);
        NEW.geom := ST_SetSRID(ST_MakePoint(t[1] * (NEW.col + 0.5) + t[2] * (NEW.row + 0.5) + t[3],
                                            t[4] * (NEW.col + 0.5) + t[5] * (NEW.row + 0.5) + t[6]),
                               (SELECT value::integer FROM isage_meta WHERE key = 'srid'));
    ELSIF NEW.geom IS NULL THEN
        RAISE EXCEPTION USING MESSAGE = format('point: frame %L is in another CRS than the record', NEW.frame),
            HINT = 'send the click''s point in the record''s CRS';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clicks_before_insert BEFORE INSERT ON clicks FOR EACH ROW EXECUTE FUNCTION clicks_before_insert();

-- What a click says never changes; the note changes only by its annotator; a retraction is written once,
-- with who (session_user) and when (the server's clock) set here, and why (required for another's click).
CREATE FUNCTION clicks_before_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF (NEW.fid, NEW.uid, NEW.frame, NEW.row, NEW.col, NEW.class_id, NEW.iteration, NEW.annotator,
        NEW.created_utc, ST_AsEWKB(NEW.geom)) IS DISTINCT FROM (OLD.fid, OLD.uid, OLD.frame, OLD.row, OLD.col,
        OLD.class_id, OLD.iteration, OLD.annotator, OLD.created_utc, ST_AsEWKB(OLD.geom)) THEN
        RAISE EXCEPTION USING MESSAGE = format('changed: iSAGE clicks cannot be changed, only retracted (click %s)', OLD.uid),
            HINT = 'retract it and add a new click';
    END IF;
    IF NEW.note IS DISTINCT FROM OLD.note AND OLD.annotator <> session_user THEN
        RAISE EXCEPTION USING MESSAGE = format('note: only %L edits the note of click %s', OLD.annotator, OLD.uid),
            HINT = 'a reviewer writes why in the retraction''s reason';
    END IF;
    IF OLD.retracted THEN
        IF (NEW.retracted, NEW.retracted_utc, NEW.retracted_by, NEW.retract_reason) IS DISTINCT FROM
           (OLD.retracted, OLD.retracted_utc, OLD.retracted_by, OLD.retract_reason) THEN
            RAISE EXCEPTION USING MESSAGE = format('retracted: click %s was retracted; a retraction is written once and never undone', OLD.uid),
                HINT = 'add a new click';
        END IF;
    ELSIF NEW.retracted THEN
        IF coalesce(NEW.retracted_by, session_user) <> session_user THEN
            RAISE EXCEPTION USING MESSAGE = format('retracted_by: retractions are recorded as the connected user %L, not %L',
                session_user, NEW.retracted_by), HINT = 'each person connects with their own login';
        END IF;
        NEW.retracted_by := session_user;
        NEW.retracted_utc := now();
        NEW.retract_reason := nullif(btrim(NEW.retract_reason), '');
        IF OLD.annotator <> session_user AND NEW.retract_reason IS NULL THEN
            RAISE EXCEPTION USING MESSAGE = format('reason: retracting %L''s click %s needs a reason', OLD.annotator, OLD.uid),
                HINT = 'say why it is wrong';
        END IF;
    ELSIF (NEW.retracted_utc, NEW.retracted_by, NEW.retract_reason) IS DISTINCT FROM
          (OLD.retracted_utc, OLD.retracted_by, OLD.retract_reason) THEN
        RAISE EXCEPTION USING MESSAGE = 'retracted: who retracted a click, when and why are written by the retraction itself',
            HINT = 'set retracted (and its reason)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clicks_before_update BEFORE UPDATE ON clicks FOR EACH ROW EXECUTE FUNCTION clicks_before_update();

-- A run being recorded waits for the clicks being added and makes new ones wait (clicks_before_insert).
CREATE FUNCTION runs_before_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    LOCK TABLE iteration_lock IN EXCLUSIVE MODE;
    RETURN NULL;
END $$;
CREATE TRIGGER runs_before_insert BEFORE INSERT ON runs FOR EACH STATEMENT EXECUTE FUNCTION runs_before_insert();

-- ---- telling the people's QGIS: a write to clicks, runs, classes or frames is announced ----------------------
-- QGIS refreshes a PostGIS layer on a NOTIFY of its channel 'qgis' whose payload is the layer's message
-- (QgsMapLayer::setRefreshOnNotifyEnabled): the plugin's clicks layer waits for 'isage:<schema>', so each
-- person sees the others' clicks, retractions and the new iteration as soon as they are committed (a NOTIFY
-- is sent at commit, once per transaction and payload). One statement, not one notification per row.
CREATE FUNCTION isage_notify_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM pg_notify('qgis', 'isage:' || TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;
CREATE TRIGGER clicks_notify AFTER INSERT OR UPDATE ON clicks FOR EACH STATEMENT
    EXECUTE FUNCTION isage_notify_change();
CREATE TRIGGER runs_notify AFTER INSERT ON runs FOR EACH STATEMENT EXECUTE FUNCTION isage_notify_change();
CREATE TRIGGER classes_notify AFTER INSERT OR UPDATE ON classes FOR EACH STATEMENT
    EXECUTE FUNCTION isage_notify_change();
CREATE TRIGGER frames_notify AFTER INSERT OR UPDATE ON frames FOR EACH STATEMENT
    EXECUTE FUNCTION isage_notify_change();

-- ---- the accuracy assessment ---------------------------------------------------------------------------
CREATE FUNCTION designs_before_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    NEW.created_by := session_user;
    NEW.created_utc := now();
    RETURN NEW;
END $$;
CREATE TRIGGER designs_before_insert BEFORE INSERT ON assessment_designs FOR EACH ROW EXECUTE FUNCTION designs_before_insert();

CREATE FUNCTION labels_before_write() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF coalesce(NEW.annotator, '') NOT IN ('', session_user) THEN
            RAISE EXCEPTION USING MESSAGE = format('annotator: labels are recorded as the connected user %L, not %L',
                session_user, NEW.annotator), HINT = 'each person connects with their own login';
        END IF;
        IF NEW.retracted OR NEW.retracted_utc IS NOT NULL OR NEW.retracted_by IS NOT NULL THEN
            RAISE EXCEPTION USING MESSAGE = 'retracted: a new label is not retracted', HINT = 'add it, then retract it';
        END IF;
        NEW.annotator := session_user;
        NEW.created_utc := now();
        RETURN NEW;
    END IF;
    IF (NEW.fid, NEW.uid, NEW.design_id, NEW.point_id, NEW.class_id, NEW.unsure, NEW.annotator, NEW.created_utc)
        IS DISTINCT FROM (OLD.fid, OLD.uid, OLD.design_id, OLD.point_id, OLD.class_id, OLD.unsure, OLD.annotator,
        OLD.created_utc) THEN
        RAISE EXCEPTION USING MESSAGE = 'changed: iSAGE assessment labels cannot be changed, only retracted',
            HINT = 'retract it and label the point again';
    END IF;
    IF NEW.note IS DISTINCT FROM OLD.note AND OLD.annotator <> session_user THEN
        RAISE EXCEPTION USING MESSAGE = format('note: only %L edits the note of label %s', OLD.annotator, OLD.uid),
            HINT = 'a reviewer writes why in the retraction''s reason';
    END IF;
    IF OLD.retracted THEN
        IF (NEW.retracted, NEW.retracted_utc, NEW.retracted_by, NEW.retract_reason) IS DISTINCT FROM
           (OLD.retracted, OLD.retracted_utc, OLD.retracted_by, OLD.retract_reason) THEN
            RAISE EXCEPTION USING MESSAGE = 'retracted: a retraction is written once and never undone',
                HINT = 'label the point again';
        END IF;
    ELSIF NEW.retracted THEN
        NEW.retracted_by := session_user;
        NEW.retracted_utc := now();
        NEW.retract_reason := nullif(btrim(NEW.retract_reason), '');
        IF OLD.annotator <> session_user AND NEW.retract_reason IS NULL THEN
            RAISE EXCEPTION USING MESSAGE = format('reason: retracting %L''s label needs a reason', OLD.annotator),
                HINT = 'say why it is wrong';
        END IF;
    ELSIF (NEW.retracted_utc, NEW.retracted_by, NEW.retract_reason) IS DISTINCT FROM
          (OLD.retracted_utc, OLD.retracted_by, OLD.retract_reason) THEN
        RAISE EXCEPTION USING MESSAGE = 'retracted: who retracted a label, when and why are written by the retraction itself',
            HINT = 'set retracted (and its reason)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER labels_before_write BEFORE INSERT OR UPDATE ON assessment_labels FOR EACH ROW
    EXECUTE FUNCTION labels_before_write();

-- ---- privileges: nobody deletes; each group writes only what its work needs ------------------------------
REVOKE ALL ON isage_meta, classes, frames, frame_sources, runs, clicks, assessment_designs, assessment_points,
    assessment_labels, iteration_lock FROM PUBLIC;
REVOKE ALL ON FUNCTION isage_never_deleted(), isage_never_changed(), classes_before_update(), frames_before_write(),
    clicks_before_insert(), clicks_before_update(), runs_before_insert(), designs_before_insert(),
    labels_before_write(), isage_notify_change() FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO isage_annotator, isage_reviewer, isage_trainer, isage_admin',
                   current_schema());
END $$;
-- everyone on the team reads the whole record
GRANT SELECT ON isage_meta, classes, frames, frame_sources, runs, clicks, assessment_designs, assessment_points,
    assessment_labels TO isage_annotator, isage_reviewer, isage_trainer, isage_admin;
-- annotators add clicks and labels (never their iteration, time or retraction: those columns are not
-- theirs to send) and retract or annotate their own (row-level security below); reviewers retract anyone's
GRANT INSERT (uid, frame, row, col, class_id, annotator, note, geom) ON clicks TO isage_annotator;
GRANT UPDATE (note, retracted, retract_reason) ON clicks TO isage_annotator, isage_reviewer;
GRANT INSERT (uid, design_id, point_id, class_id, unsure, annotator, note) ON assessment_labels TO isage_annotator;
GRANT UPDATE (note, retracted, retract_reason) ON assessment_labels TO isage_annotator, isage_reviewer;
-- the trainer (the engine's account) records runs, imagery fetches and assessment designs
GRANT INSERT (iteration, model_path, clicks_used, clicks_hash, metrics, unresolved, started_utc, finished_utc,
    duration_s, device) ON runs TO isage_trainer;
GRANT INSERT (frame, event, source, fingerprint, detail) ON frame_sources TO isage_trainer, isage_admin;
GRANT INSERT (design_id, iteration, seed, settings, strata, population) ON assessment_designs
    TO isage_trainer, isage_admin;
GRANT INSERT (geom, design_id, point_id, frame, row, col, stratum, click_distance_px) ON assessment_points
    TO isage_trainer, isage_admin;
-- the administrator keeps the classes and the frames
GRANT INSERT (id, name, color) ON classes TO isage_admin;
GRANT UPDATE (name, color) ON classes TO isage_admin;
GRANT INSERT (name, path, width, height, band_count, dtype, crs_wkt, transform, nodata, fingerprint) ON frames
    TO isage_admin;
GRANT UPDATE (path) ON frames TO isage_admin;

-- ---- row-level security: whose clicks and labels one may write ----------------------------------------
-- The new row of an annotator's UPDATE must be their own click: retracting (or annotating) another's is an
-- error ("new row violates row-level security policy"), not a silent update of no row. The owner (no
-- person) is not subject to these policies; its triggers still apply.
ALTER TABLE clicks ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_reads ON clicks FOR SELECT TO isage_annotator, isage_reviewer, isage_trainer, isage_admin
    USING (true);
CREATE POLICY annotators_add_their_own ON clicks FOR INSERT TO isage_annotator
    WITH CHECK (annotator = session_user);
CREATE POLICY annotators_retract_their_own ON clicks FOR UPDATE TO isage_annotator
    USING (true) WITH CHECK (annotator = session_user);
CREATE POLICY reviewers_retract_any ON clicks FOR UPDATE TO isage_reviewer USING (true) WITH CHECK (true);

ALTER TABLE assessment_labels ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_reads ON assessment_labels FOR SELECT
    TO isage_annotator, isage_reviewer, isage_trainer, isage_admin USING (true);
CREATE POLICY annotators_add_their_own ON assessment_labels FOR INSERT TO isage_annotator
    WITH CHECK (annotator = session_user);
CREATE POLICY annotators_retract_their_own ON assessment_labels FOR UPDATE TO isage_annotator
    USING (true) WITH CHECK (annotator = session_user);
CREATE POLICY reviewers_retract_any ON assessment_labels FOR UPDATE TO isage_reviewer USING (true) WITH CHECK (true);
