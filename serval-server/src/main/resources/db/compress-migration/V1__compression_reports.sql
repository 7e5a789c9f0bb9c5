-- One dialect for PostgreSQL and H2 (MODE=PostgreSQL). The report of the compression that made a
-- version; it goes when the version goes.

CREATE TABLE compression_reports (
  model_id BIGINT NOT NULL,
  version_number INTEGER NOT NULL,
  report_json VARCHAR(10000000) NOT NULL,
  PRIMARY KEY (model_id, version_number),
  FOREIGN KEY (model_id, version_number)
    REFERENCES model_versions (model_id, version_number) ON DELETE CASCADE
);
