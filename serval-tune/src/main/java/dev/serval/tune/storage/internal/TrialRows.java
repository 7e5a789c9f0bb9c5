package dev.serval.tune.storage.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serval.core.InvalidInputException;
import dev.serval.store.Sql;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.TrialState;
import dev.serval.tune.TrialStateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The trial tables. Every change to a trial first locks its row, so that a worker finishing a
 * trial and another declaring it lost take turns, and exactly one of them wins.
 */
public final class TrialRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JavaType PARAMS = JSON.getTypeFactory()
      .constructMapType(LinkedHashMap.class, String.class, Object.class);
  private static final JavaType ANY = JSON.constructType(Object.class);
  private static final String LOST = "worker lost: no heartbeat since ";

  /** A locked trial row: its id and state. */
  public record Locked(long id, TrialState state) {}

  private TrialRows() {}

  /** Inserts a RUNNING trial without parameters, alive at {@code now}; returns its row id. */
  public static long insert(
      Connection c, long studyId, int number, Instant start, String workerId, Instant now)
      throws SQLException {
    Sql.update(c, "INSERT INTO tune_trials (study_id, number, state, params_json, started_at,"
        + " worker_id, heartbeat_at) VALUES (?, ?, ?, '{}', ?, ?, ?)",
        studyId, number, TrialState.RUNNING, start, workerId, now);
    return Sql.single(c, "SELECT id FROM tune_trials WHERE study_id = ? AND number = ?",
        rs -> rs.getLong(1), studyId, number).orElseThrow();
  }

  /** Locks the trial row; {@link InvalidInputException} if there is no such trial. */
  public static Locked lock(Connection c, long studyId, String study, int number)
      throws SQLException {
    return Sql.single(c, "SELECT id, state FROM tune_trials WHERE study_id = ? AND number = ?"
        + " FOR UPDATE",
        rs -> new Locked(rs.getLong(1), TrialState.valueOf(rs.getString(2))), studyId, number)
        .orElseThrow(() -> new InvalidInputException("no trial " + number + " in study "
            + study));
  }

  /** Locks the trial row; {@link TrialStateException} if the trial has finished. */
  public static long lockRunning(Connection c, long studyId, String study, int number)
      throws SQLException {
    Locked trial = lock(c, studyId, study, number);
    if (trial.state().isFinished()) {
      throw new TrialStateException("trial " + number + " of study " + study + " is already "
          + trial.state());
    }
    return trial.id();
  }

  public static void setParams(Connection c, long trialId, Map<String, Object> params)
      throws SQLException {
    Sql.update(c, "UPDATE tune_trials SET params_json = ? WHERE id = ?", json(params), trialId);
  }

  /** Sets the value at {@code step}, replacing an earlier one; the trial row must be locked. */
  public static void putIntermediate(Connection c, long trialId, int step, double value)
      throws SQLException {
    if (Sql.update(c, "UPDATE tune_intermediate_values SET step_value = ?"
        + " WHERE trial_id = ? AND step = ?", value, trialId, step) == 0) {
      Sql.update(c, "INSERT INTO tune_intermediate_values (trial_id, step, step_value)"
          + " VALUES (?, ?, ?)", trialId, step, value);
    }
  }

  /** Sets a user attribute, replacing an earlier one; the trial row must be locked. */
  public static void putAttribute(Connection c, long trialId, String key, Object value)
      throws SQLException {
    String text = json(value);
    if (Sql.update(c, "UPDATE tune_trial_attributes SET value_json = ?"
        + " WHERE trial_id = ? AND attr_key = ?", text, trialId, key) == 0) {
      Sql.update(c, "INSERT INTO tune_trial_attributes (trial_id, attr_key, value_json)"
          + " VALUES (?, ?, ?)", trialId, key, text);
    }
  }

  /** Records the final state and the values, one per objective; the row must be locked. */
  public static void finish(
      Connection c, long trialId, TrialState state, List<Double> values, Instant end)
      throws SQLException {
    Sql.update(c, "UPDATE tune_trials SET state = ?, finished_at = ? WHERE id = ?",
        state, end, trialId);
    for (int i = 0; i < values.size(); i++) {
      Sql.update(c, "INSERT INTO tune_trial_values (trial_id, objective, objective_value)"
          + " VALUES (?, ?, ?)", trialId, i, values.get(i));
    }
  }

  /** Marks a trial alive at {@code now}; false if it is no longer RUNNING. */
  public static boolean heartbeat(Connection c, long trialId, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE tune_trials SET heartbeat_at = ? WHERE id = ? AND state = ?",
        now, trialId, TrialState.RUNNING) == 1;
  }

  /**
   * Fails the study's RUNNING trials whose last heartbeat is before {@code deadline}: their
   * worker died or lost the database. Their {@code error} attribute says so.
   */
  public static void failLost(Connection c, long studyId, Instant deadline, Instant now)
      throws SQLException {
    record Lost(long id, String worker, Instant heartbeat) {}
    List<Lost> lost = Sql.query(c, "SELECT id, worker_id, heartbeat_at FROM tune_trials"
        + " WHERE study_id = ? AND state = ? AND heartbeat_at < ? ORDER BY number FOR UPDATE",
        rs -> new Lost(rs.getLong(1), rs.getString(2), Sql.instant(rs, "heartbeat_at")),
        studyId, TrialState.RUNNING, deadline);
    for (Lost trial : lost) {
      finish(c, trial.id(), TrialState.FAIL, List.of(), now);
      putAttribute(c, trial.id(), "error", LOST + trial.heartbeat() + " (" + trial.worker()
          + ")");
    }
  }

  /** All trials of the study, ordered by number. */
  public static List<FrozenTrial> read(Connection c, long studyId) throws SQLException {
    return read(c, "t.study_id = ?", studyId);
  }

  public static Optional<FrozenTrial> read(Connection c, long studyId, int number)
      throws SQLException {
    return read(c, "t.study_id = ? AND t.number = ?", studyId, number).stream().findFirst();
  }

  /** Reads trials in four queries (trials, values, intermediate values, attributes). */
  private static List<FrozenTrial> read(Connection c, String where, Object... params)
      throws SQLException {
    Map<Long, TreeMap<Integer, Double>> steps = new HashMap<>();
    Sql.query(c, "SELECT v.trial_id, v.step, v.step_value FROM tune_intermediate_values v"
        + " JOIN tune_trials t ON t.id = v.trial_id WHERE " + where,
        rs -> steps.computeIfAbsent(rs.getLong(1), id -> new TreeMap<>())
            .put(rs.getInt(2), rs.getDouble(3)), params);
    Map<Long, List<Double>> values = new HashMap<>();
    Sql.query(c, "SELECT v.trial_id, v.objective_value FROM tune_trial_values v"
        + " JOIN tune_trials t ON t.id = v.trial_id WHERE " + where
        + " ORDER BY v.trial_id, v.objective",
        rs -> values.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>())
            .add(rs.getDouble(2)), params);
    Map<Long, Map<String, Object>> attributes = new HashMap<>();
    Sql.query(c, "SELECT a.trial_id, a.attr_key, a.value_json FROM tune_trial_attributes a"
        + " JOIN tune_trials t ON t.id = a.trial_id WHERE " + where + " ORDER BY a.attr_key",
        rs -> attributes.computeIfAbsent(rs.getLong(1), id -> new LinkedHashMap<>())
            .put(rs.getString(2), parse(rs.getString(3), ANY)), params);
    return Sql.query(c, "SELECT t.id, t.number, t.state, t.params_json, t.started_at,"
        + " t.finished_at FROM tune_trials t WHERE " + where + " ORDER BY t.number",
        rs -> trial(rs, values.getOrDefault(rs.getLong("id"), List.of()),
            steps.getOrDefault(rs.getLong("id"), new TreeMap<>()),
            attributes.getOrDefault(rs.getLong("id"), Map.of())), params);
  }

  private static FrozenTrial trial(ResultSet rs, List<Double> values,
      TreeMap<Integer, Double> steps, Map<String, Object> attributes) throws SQLException {
    return new FrozenTrial(rs.getInt("number"), TrialState.valueOf(rs.getString("state")),
        parse(rs.getString("params_json"), PARAMS), values, steps,
        Sql.instant(rs, "started_at"), Optional.ofNullable(Sql.instant(rs, "finished_at")),
        attributes);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("cannot store " + value + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  private static <T> T parse(String text, JavaType type) {
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable: " + text, e);
    }
  }
}
