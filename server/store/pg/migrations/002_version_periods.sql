-- The end of a published version's period once a later version takes over: version metadata, appended and never
-- updated, so the version row and its document stay exactly as published. A version's period is its latest row here
-- (else its document's own). The store's settings live in store_meta under 'settings'.

CREATE TABLE version_periods (
  seq bigserial PRIMARY KEY,
  rule_set_id text NOT NULL,
  version integer NOT NULL,
  effective_to text NOT NULL,
  closed_by integer NOT NULL,
  closed_at text NOT NULL,
  FOREIGN KEY (rule_set_id, version) REFERENCES versions (rule_set_id, version)
);
CREATE INDEX version_periods_version ON version_periods (rule_set_id, version, seq);

CREATE TRIGGER version_periods_append_only BEFORE UPDATE OR DELETE ON version_periods FOR EACH ROW EXECUTE FUNCTION mingcheng_append_only();
CREATE TRIGGER version_periods_no_truncate BEFORE TRUNCATE ON version_periods FOR EACH STATEMENT EXECUTE FUNCTION mingcheng_append_only();
