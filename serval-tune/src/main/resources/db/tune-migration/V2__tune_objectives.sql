-- Several objectives (H2 MODE=PostgreSQL and PostgreSQL). A study keeps its directions, comma
-- separated in objective order ('direction' stays the first one); a trial keeps one value per
-- objective in tune_trial_values. Existing studies and trial values carry over.

ALTER TABLE tune_studies ADD COLUMN directions VARCHAR(1000);
UPDATE tune_studies SET directions = direction;
ALTER TABLE tune_studies ALTER COLUMN directions SET NOT NULL;

CREATE TABLE tune_trial_values (
  trial_id BIGINT NOT NULL REFERENCES tune_trials (id) ON DELETE CASCADE,
  objective INTEGER NOT NULL,
  objective_value DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (trial_id, objective)
);

INSERT INTO tune_trial_values (trial_id, objective, objective_value)
  SELECT id, 0, trial_value FROM tune_trials WHERE trial_value IS NOT NULL;

ALTER TABLE tune_trials DROP COLUMN trial_value;
