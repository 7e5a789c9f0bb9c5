-- Test cases pushed with a version, stored content-addressed like the model itself; null when none.
ALTER TABLE model_versions ADD COLUMN test_cases_sha256 CHAR(64);
ALTER TABLE model_versions ADD CONSTRAINT model_versions_test_cases
  FOREIGN KEY (test_cases_sha256) REFERENCES artifacts (sha256);
CREATE INDEX model_versions_test_cases_sha256 ON model_versions (test_cases_sha256);
-- Recovery looks for versions whose validation never finished.
CREATE INDEX model_versions_state ON model_versions (state);
