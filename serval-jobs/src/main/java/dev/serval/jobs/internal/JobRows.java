package dev.serval.jobs.internal;

import dev.serval.jobs.JobRecord;
import dev.serval.jobs.JobSpec;
import dev.serval.jobs.JobState;
import dev.serval.jobs.MetricPoint;
import dev.serval.jobs.PublishedModel;
import dev.serval.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The job tables. Every change of state is one conditional UPDATE: a claim only from QUEUED, a
 * completion only from RUNNING with the attempt number the worker holds, so that two workers can
 * never both start or both finish one attempt, and a late result of a lost attempt is ignored.
 */
public final class JobRows {
  private static final String COLUMNS = "id, seq, spec_json, state, reason, exit_code, attempt,"
      + " cancel_requested, worker_id, created_at, started_at, finished_at";
  private static final String RUNNING_ATTEMPT = " WHERE id = ? AND state = 'RUNNING' AND attempt = ?";
  /** Back to the queue, unless a cancellation arrived meanwhile: then it ends here. */
  private static final String REQUEUE = "UPDATE job_jobs SET state = CASE WHEN cancel_requested"
      + " THEN 'CANCELLED' ELSE 'QUEUED' END, finished_at = CASE WHEN cancel_requested THEN"
      + " CAST(? AS TIMESTAMP WITH TIME ZONE) END, enqueued_at = NULL, heartbeat_at = NULL, ";

  /** A RUNNING job whose worker stopped beating. */
  public record Stale(String id, int attempt, int lostAttempts, String workerId) {}

  /** A stored job with its position in submission order. */
  public record Row(long seq, JobRecord job) {}

  private JobRows() {}

  public static void insert(Connection c, String id, JobSpec spec, Instant now)
      throws SQLException {
    Sql.update(c, "INSERT INTO job_jobs (id, name, spec_json, state, reason, attempt,"
        + " failed_attempts, lost_attempts, cancel_requested, created_at, not_before)"
        + " VALUES (?, ?, ?, 'QUEUED', '', 0, 0, 0, FALSE, ?, ?)",
        id, spec.name(), SpecJson.write(spec), now, now);
  }

  public static Optional<Row> find(Connection c, String id) throws SQLException {
    Optional<Row> row = Sql.single(c, "SELECT " + COLUMNS + " FROM job_jobs WHERE id = ?",
        JobRows::row, id);
    return row.isEmpty() ? row : Optional.of(withOutputs(c, row.get()));
  }

  /** Newest first; {@code beforeSeq} continues a listing. */
  public static List<Row> list(Connection c, JobState state, long beforeSeq, int limit)
      throws SQLException {
    List<Row> rows = state == null
        ? Sql.query(c, "SELECT " + COLUMNS + " FROM job_jobs WHERE seq < ? ORDER BY seq DESC"
            + " LIMIT ?", JobRows::row, beforeSeq, limit)
        : Sql.query(c, "SELECT " + COLUMNS + " FROM job_jobs WHERE seq < ? AND state = ?"
            + " ORDER BY seq DESC LIMIT ?", JobRows::row, beforeSeq, state, limit);
    List<Row> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(withOutputs(c, r));
    }
    return out;
  }

  /** QUEUED jobs that may start now, oldest first. */
  public static List<String> due(Connection c, Instant now, int limit) throws SQLException {
    return Sql.query(c, "SELECT id FROM job_jobs WHERE state = 'QUEUED' AND not_before <= ?"
        + " ORDER BY seq LIMIT ?", rs -> rs.getString(1), now, limit);
  }

  /** Starts the next attempt if the job is QUEUED and due; returns its number. */
  public static Optional<Integer> claim(Connection c, String id, String workerId, Instant now)
      throws SQLException {
    int changed = Sql.update(c, "UPDATE job_jobs SET state = 'RUNNING', attempt = attempt + 1,"
        + " worker_id = ?, started_at = ?, heartbeat_at = ?, finished_at = NULL"
        + " WHERE id = ? AND state = 'QUEUED' AND not_before <= ? AND cancel_requested = FALSE",
        workerId, now, now, id, now);
    if (changed == 0) {
      return Optional.empty();
    }
    return Sql.single(c, "SELECT attempt FROM job_jobs WHERE id = ?", rs -> rs.getInt(1), id);
  }

  /**
   * Marks the attempt alive; false when it is no longer this worker's to run: cancelled, or
   * taken over after this worker was thought lost.
   */
  public static boolean heartbeat(Connection c, String id, int attempt, Instant now)
      throws SQLException {
    return Sql.update(c, "UPDATE job_jobs SET heartbeat_at = ?" + RUNNING_ATTEMPT
        + " AND cancel_requested = FALSE", now, id, attempt) == 1;
  }

  /** Ends the attempt and the job; false when the attempt was not (any longer) running. */
  public static boolean finish(Connection c, String id, int attempt, JobState state,
      String reason, Integer exitCode, Instant now) throws SQLException {
    return Sql.update(c, "UPDATE job_jobs SET state = ?, reason = ?, exit_code = ?,"
        + " finished_at = ?, heartbeat_at = NULL" + RUNNING_ATTEMPT,
        state, reason, exitCode, now, id, attempt) == 1;
  }

  /** Queues the job again after a failed attempt, to start no earlier than {@code notBefore}. */
  public static boolean retry(Connection c, String id, int attempt, String reason,
      Integer exitCode, Instant notBefore) throws SQLException {
    return Sql.update(c, REQUEUE + "reason = ?, exit_code = ?, failed_attempts ="
        + " failed_attempts + 1, not_before = ?" + RUNNING_ATTEMPT,
        notBefore, reason, exitCode, notBefore, id, attempt) == 1;
  }

  /** Queues the job again without counting the attempt as failed: its worker is stopping. */
  public static boolean release(Connection c, String id, int attempt, String reason, Instant now)
      throws SQLException {
    return Sql.update(c, REQUEUE + "reason = ?, not_before = ?" + RUNNING_ATTEMPT,
        now, reason, now, id, attempt) == 1;
  }

  public static int failedAttempts(Connection c, String id) throws SQLException {
    return Sql.single(c, "SELECT failed_attempts FROM job_jobs WHERE id = ?", rs -> rs.getInt(1),
        id).orElse(0);
  }

  /** RUNNING jobs (or the one job {@code onlyId}, if not null) not heard of since {@code before}. */
  public static List<Stale> stale(Connection c, Instant before, String onlyId)
      throws SQLException {
    String sql = "SELECT id, attempt, lost_attempts, worker_id FROM job_jobs WHERE state ="
        + " 'RUNNING' AND heartbeat_at < ?" + (onlyId == null ? "" : " AND id = ?");
    Sql.Row<Stale> row = rs -> new Stale(rs.getString(1), rs.getInt(2), rs.getInt(3),
        rs.getString(4));
    return onlyId == null ? Sql.query(c, sql, row, before) : Sql.query(c, sql, row, before, onlyId);
  }

  /** Queues a lost attempt again, counting it as lost rather than failed. */
  public static boolean requeueLost(Connection c, Stale lost, String reason, Instant now)
      throws SQLException {
    return Sql.update(c, REQUEUE + "reason = ?, lost_attempts = lost_attempts + 1, not_before = ?"
        + RUNNING_ATTEMPT, now, reason, now, lost.id(), lost.attempt()) == 1;
  }

  /**
   * Cancels a QUEUED job at once, or asks the worker of a RUNNING one to stop it.
   *
   * @return the state the job was in, or empty when there is no such job
   */
  public static Optional<JobState> cancel(Connection c, String id, Instant now)
      throws SQLException {
    Optional<JobState> state = Sql.single(c, "SELECT state FROM job_jobs WHERE id = ? FOR UPDATE",
        rs -> JobState.valueOf(rs.getString(1)), id);
    if (state.orElse(null) == JobState.QUEUED) {
      Sql.update(c, "UPDATE job_jobs SET state = 'CANCELLED', reason = 'cancelled before it"
          + " started', finished_at = ?, cancel_requested = TRUE WHERE id = ?", now, id);
    } else if (state.orElse(null) == JobState.RUNNING) {
      Sql.update(c, "UPDATE job_jobs SET cancel_requested = TRUE WHERE id = ?", id);
    }
    return state;
  }

  /** QUEUED jobs, due now, whose message the broker has not confirmed, leased to the caller. */
  public static List<String> leaseUnpublished(Connection c, Instant now, Instant leaseUntil,
      int limit) throws SQLException {
    List<String> ids = Sql.query(c, "SELECT id FROM job_jobs WHERE state = 'QUEUED'"
        + " AND enqueued_at IS NULL AND not_before <= ? AND (publish_lease_until IS NULL"
        + " OR publish_lease_until < ?) ORDER BY seq LIMIT ?", rs -> rs.getString(1),
        now, now, limit);
    List<String> leased = new ArrayList<>(ids.size());
    for (String id : ids) {
      if (Sql.update(c, "UPDATE job_jobs SET publish_lease_until = ? WHERE id = ?"
          + " AND enqueued_at IS NULL AND (publish_lease_until IS NULL OR publish_lease_until < ?)",
          leaseUntil, id, now) == 1) {
        leased.add(id);
      }
    }
    return leased;
  }

  /** Gives up a lease whose offer failed, so that the next dispatch round tries again at once. */
  public static void releasePublishLease(Connection c, String id) throws SQLException {
    Sql.update(c, "UPDATE job_jobs SET publish_lease_until = NULL WHERE id = ?"
        + " AND enqueued_at IS NULL", id);
  }

  public static void markEnqueued(Connection c, String id, Instant now) throws SQLException {
    Sql.update(c, "UPDATE job_jobs SET enqueued_at = ?, publish_lease_until = NULL"
        + " WHERE id = ? AND state = 'QUEUED'", now, id);
  }

  /** Sets a metric value, replacing one reported before at the same step. */
  public static void putMetric(Connection c, String id, int attempt, MetricPoint point)
      throws SQLException {
    if (Sql.update(c, "UPDATE job_metrics SET metric_value = ?, recorded_at = ? WHERE job_id = ?"
        + " AND attempt = ? AND name = ? AND step = ?", point.value(), point.time(), id, attempt,
        point.name(), point.step()) == 0) {
      Sql.update(c, "INSERT INTO job_metrics (job_id, attempt, name, step, metric_value,"
          + " recorded_at) VALUES (?, ?, ?, ?, ?, ?)", id, attempt, point.name(), point.step(),
          point.value(), point.time());
    }
  }

  public static List<MetricPoint> metrics(Connection c, String id, int attempt)
      throws SQLException {
    return Sql.query(c, "SELECT name, step, metric_value, recorded_at FROM job_metrics"
        + " WHERE job_id = ? AND attempt = ? ORDER BY name, step",
        rs -> new MetricPoint(rs.getString(1), rs.getLong(2), rs.getDouble(3),
            Sql.instant(rs, "recorded_at")), id, attempt);
  }

  public static void addOutput(Connection c, String id, PublishedModel model)
      throws SQLException {
    Sql.update(c, "INSERT INTO job_outputs (job_id, model, version_number) VALUES (?, ?, ?)",
        id, model.model(), model.version());
  }

  private static Row withOutputs(Connection c, Row row) throws SQLException {
    JobRecord j = row.job();
    List<PublishedModel> outputs = Sql.query(c, "SELECT model, version_number FROM job_outputs"
        + " WHERE job_id = ? ORDER BY model, version_number",
        rs -> new PublishedModel(rs.getString(1), rs.getInt(2)), j.id());
    return new Row(row.seq(), new JobRecord(j.id(), j.spec(), j.state(), j.reason(), j.exitCode(),
        j.attempt(), j.cancelRequested(), j.workerId(), j.createdAt(), j.startedAt(),
        j.finishedAt(), outputs));
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(rs.getLong("seq"), new JobRecord(rs.getString("id"),
        SpecJson.read(rs.getString("spec_json")), JobState.valueOf(rs.getString("state")),
        rs.getString("reason"), Sql.integer(rs, "exit_code"), rs.getInt("attempt"),
        rs.getBoolean("cancel_requested"), rs.getString("worker_id"),
        Sql.instant(rs, "created_at"), Sql.instant(rs, "started_at"),
        Sql.instant(rs, "finished_at"), List.of()));
  }
}
