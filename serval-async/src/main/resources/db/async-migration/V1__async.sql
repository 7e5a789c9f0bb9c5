-- One dialect for PostgreSQL and H2 (MODE=PostgreSQL). Times are TIMESTAMP WITH TIME ZONE in UTC.
-- Tables are prefixed with async_ so that they can share the registry's database.

CREATE TABLE async_requests (
  id VARCHAR(64) PRIMARY KEY,
  kind VARCHAR(8) NOT NULL,
  model VARCHAR(256) NOT NULL,
  -- The version or alias as the client named it (NULL: the default version), resolved at run time.
  version VARCHAR(256),
  content_type VARCHAR(256) NOT NULL,
  body BYTEA NOT NULL,
  parameters_json VARCHAR(100000) NOT NULL,
  reply_to VARCHAR(255),
  callback_url VARCHAR(2048),
  state VARCHAR(16) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  -- A QUEUED request put back after a transient failure waits until then.
  run_after TIMESTAMP WITH TIME ZONE,
  -- The node working on the request (running it or delivering its result) and until when its
  -- claim holds; the node renews it while alive, so an expired one belongs to a lost node.
  owner VARCHAR(128),
  lease_until TIMESTAMP WITH TIME ZONE,
  attempts INTEGER NOT NULL,
  -- Batches: lines in the file and lines answered so far (their answers are in async_batch_lines).
  total_items INTEGER NOT NULL,
  done_items INTEGER NOT NULL,
  result_status INTEGER,
  result_content_type VARCHAR(256),
  result_headers_json VARCHAR(10000),
  result_body BYTEA,
  error_kind VARCHAR(32),
  error_message VARCHAR(10000),
  -- NULL when not asked for, else PENDING, DELIVERED or FAILED.
  callback_state VARCHAR(16),
  callback_attempts INTEGER NOT NULL,
  callback_error VARCHAR(2000),
  reply_state VARCHAR(16),
  reply_error VARCHAR(2000),
  CONSTRAINT async_kind CHECK (kind IN ('INFER', 'BATCH')),
  CONSTRAINT async_state CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'))
);

CREATE INDEX async_requests_state ON async_requests (state, created_at);
CREATE INDEX async_requests_finished ON async_requests (finished_at);

CREATE TABLE async_batch_lines (
  request_id VARCHAR(64) NOT NULL REFERENCES async_requests (id) ON DELETE CASCADE,
  line_no INTEGER NOT NULL,
  answer BYTEA NOT NULL,
  PRIMARY KEY (request_id, line_no)
);
