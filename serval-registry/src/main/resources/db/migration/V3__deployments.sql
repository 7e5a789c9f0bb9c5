-- Which versions of a model serve and how traffic splits between them, as a history: every change
-- (deploy, rollback, promote, clear) adds a revision, numbered from 1 per model; the newest
-- revision is the current deployment. No foreign key to versions: old revisions may name
-- versions deleted since; the registry refuses to delete a version the newest revision uses.
CREATE TABLE deployments (
  model_id BIGINT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  -- {"weights": {"<version>": <weight>, ...}, "shadow": <version> or null};
  -- NULL when the revision cleared the deployment (serve the newest READY version).
  spec_json VARCHAR(65536),
  note VARCHAR(4096) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (model_id, revision)
);
