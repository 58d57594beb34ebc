-- Store tables: one row per record, large immutable values as content-addressed blobs; the append-only
-- tables (versions, evaluations, dossier revisions, blobs, audit) refuse UPDATE, DELETE and TRUNCATE
-- in the database itself.

CREATE TABLE store_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE counters (
  kind text PRIMARY KEY,
  n bigint NOT NULL
);

-- address = 'sha256:' || hex(sha256(body)); checked by the server whenever a body is read.
CREATE TABLE blobs (
  address text PRIMARY KEY,
  body text NOT NULL
);

CREATE TABLE versions (
  rule_set_id text NOT NULL,
  version integer NOT NULL,
  content_hash text NOT NULL,
  document_blob text NOT NULL REFERENCES blobs (address),
  golden_blob text NOT NULL REFERENCES blobs (address),
  record jsonb NOT NULL,
  PRIMARY KEY (rule_set_id, version)
);
CREATE INDEX versions_content_hash ON versions (content_hash);

CREATE TABLE drafts (
  id text PRIMARY KEY,
  ord bigserial,
  rule_set_id text NOT NULL,
  revision integer NOT NULL,
  -- The document as sent (text keeps its key order); golden cases as a blob, shared with the version they came from.
  document text NOT NULL,
  golden_blob text NOT NULL REFERENCES blobs (address),
  record jsonb NOT NULL
);

CREATE TABLE dossiers (
  id text PRIMARY KEY,
  deleted boolean NOT NULL,
  latest_revision integer NOT NULL,
  period integer,
  type text,
  province text,
  record jsonb NOT NULL
);
CREATE INDEX dossiers_period ON dossiers (period);

CREATE TABLE dossier_revisions (
  dossier_id text NOT NULL REFERENCES dossiers (id),
  revision integer NOT NULL,
  hash text NOT NULL,
  at text NOT NULL,
  by_actor text NOT NULL,
  blob text NOT NULL REFERENCES blobs (address),
  PRIMARY KEY (dossier_id, revision)
);

CREATE TABLE evaluations (
  id text PRIMARY KEY,
  audit_seq bigint NOT NULL UNIQUE,
  dossier_id text,
  rule_set_id text NOT NULL,
  version integer NOT NULL,
  result_blob text NOT NULL REFERENCES blobs (address),
  record jsonb NOT NULL
);
CREATE INDEX evaluations_dossier ON evaluations (dossier_id);

CREATE TABLE tokens (
  id text PRIMARY KEY,
  ord bigserial,
  hash text NOT NULL UNIQUE,
  role text NOT NULL,
  revoked_at text,
  record jsonb NOT NULL
);

CREATE TABLE audit (
  seq bigint PRIMARY KEY,
  at text NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  before text,
  after text,
  details jsonb,
  prev_hash text,
  hash text NOT NULL
);
CREATE INDEX audit_target ON audit (target);
CREATE INDEX audit_actor ON audit (actor);

-- The chain's last entry with its keyed hash, moved on by every append: a cut-off log no longer reaches it.
CREATE TABLE audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL,
  mac text NOT NULL
);

CREATE FUNCTION mingcheng_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'mingcheng: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['blobs', 'versions', 'dossier_revisions', 'evaluations', 'audit'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION mingcheng_append_only()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION mingcheng_append_only()', t || '_no_truncate', t);
  END LOOP;
END
$$;
