package dev.serval.async.internal;

import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncState;
import dev.serval.async.AsyncStatus;
import dev.serval.async.DeliveryState;
import dev.serval.async.Response;
import dev.serval.async.Submission;
import dev.serval.core.ErrorKind;
import dev.serval.store.Database;
import dev.serval.store.Sql;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The asynchronous requests in the shared database. A node works on a request only after claiming
 * it with a conditional UPDATE, so two nodes never run one at the same time; its claim is a lease
 * that it renews while alive, and every change it makes afterwards checks that it still owns the
 * request, so a node that lost its lease (or a deleted request) changes nothing.
 */
public final class AsyncStore {
  public static final String MIGRATIONS = "classpath:db/async-migration";
  public static final String HISTORY_TABLE = "flyway_async_history";
  /** The content type of a batch's result: one JSON answer per line. */
  public static final String JSON_LINES = "application/x-ndjson";

  private static final String COLUMNS =
      "id, kind, model, version, state, created_at, started_at, finished_at, done_items,"
          + " total_items, error_kind, error_message, callback_state, callback_attempts,"
          + " callback_error, reply_state, reply_error";
  /** Parameters: now, now. */
  private static final String CLAIMABLE =
      "((state = 'QUEUED' AND (run_after IS NULL OR run_after <= ?))"
          + " OR ((state = 'RUNNING' OR (state IN ('SUCCEEDED', 'FAILED')"
          + " AND (callback_state = 'PENDING' OR reply_state = 'PENDING')))"
          + " AND (lease_until IS NULL OR lease_until < ?)))";
  private static final String OWNED = " WHERE id = ? AND owner = ?";

  private final Database db;
  private final Clock clock;
  private final String node;
  private final Duration lease;

  /**
   * @param node this node's id, recorded as the owner of what it claims
   * @param lease how long a claim holds without renewal
   */
  public AsyncStore(Database db, Clock clock, String node, Duration lease) {
    this.db = db;
    this.clock = clock;
    this.node = node;
    this.lease = lease;
  }

  /** Brings the tables up to date; the database may hold other features' tables. */
  public static void migrate(Database db) {
    db.migrate(MIGRATIONS, HISTORY_TABLE);
  }

  public void insert(String id, Submission s, int total) {
    db.transaction(c -> Sql.update(c,
        "INSERT INTO async_requests (id, kind, model, version, content_type, body,"
            + " parameters_json, reply_to, callback_url, state, created_at, attempts,"
            + " total_items, done_items, callback_state, callback_attempts, reply_state)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, 0, ?, 0, ?, 0, ?)",
        id, s.kind(), s.model(), s.version(), s.contentType(), s.body(),
        JsonMaps.write(s.headers()), s.replyTo(), s.callbackUrl(), clock.instant(), total,
        s.callbackUrl() == null ? null : DeliveryState.PENDING,
        s.replyTo() == null ? null : DeliveryState.PENDING));
  }

  /** Requests not finished yet, on every node. */
  public int backlog() {
    return db.transaction(c -> Sql.single(c,
        "SELECT COUNT(*) FROM async_requests WHERE state IN ('QUEUED', 'RUNNING')",
        rs -> rs.getInt(1)).orElse(0));
  }

  public Optional<AsyncStatus> status(String id) {
    return db.transaction(c -> Sql.single(c,
        "SELECT " + COLUMNS + " FROM async_requests WHERE id = ?", AsyncStore::status, id));
  }

  /** The answer of a SUCCEEDED request; a batch's is its answers one per line, in order. */
  public Optional<Response> result(String id) {
    return db.transaction(c -> {
      Optional<Response> single = Sql.single(c,
          "SELECT result_status, result_content_type, result_headers_json, result_body"
              + " FROM async_requests WHERE id = ? AND state = 'SUCCEEDED'"
              + " AND result_body IS NOT NULL",
          rs -> new Response(rs.getInt(1), rs.getString(2), JsonMaps.read(rs.getString(3)),
              rs.getBytes(4)),
          id);
      if (single.isPresent()) {
        return single;
      }
      boolean batch = Sql.single(c,
          "SELECT 1 FROM async_requests WHERE id = ? AND state = 'SUCCEEDED' AND kind = 'BATCH'",
          rs -> true, id).isPresent();
      return batch ? Optional.of(batchResult(c, id)) : Optional.empty();
    });
  }

  private static Response batchResult(Connection c, String id) throws SQLException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Sql.query(c, "SELECT answer FROM async_batch_lines WHERE request_id = ? ORDER BY line_no",
        rs -> {
          out.writeBytes(rs.getBytes(1));
          out.write('\n');
          return null;
        }, id);
    return new Response(200, JSON_LINES, Map.of(), out.toByteArray());
  }

  /** Up to {@code limit} ids of requests some node may claim now, oldest first. */
  public List<String> claimable(int limit) {
    Instant now = clock.instant();
    return db.transaction(c -> Sql.query(c,
        "SELECT id FROM async_requests WHERE " + CLAIMABLE + " ORDER BY created_at LIMIT ?",
        rs -> rs.getString(1), now, now, limit));
  }

  /**
   * Claims a request to run it (a QUEUED one becomes RUNNING; a RUNNING one of a lost node is
   * taken over) or to deliver its result.
   *
   * @return the request, or empty when another node claimed it first or it is gone
   */
  public Optional<StoredRequest> claim(String id) {
    Instant now = clock.instant();
    return db.transaction(c -> {
      int claimed = Sql.update(c,
          "UPDATE async_requests SET owner = ?, lease_until = ?,"
              + " attempts = attempts + CASE WHEN state IN ('QUEUED', 'RUNNING') THEN 1 ELSE 0"
              + " END, started_at = CASE WHEN state = 'QUEUED' THEN ? ELSE started_at END,"
              + " state = CASE WHEN state = 'QUEUED' THEN 'RUNNING' ELSE state END"
              + " WHERE id = ? AND " + CLAIMABLE,
          node, now.plus(lease), now, id, now, now);
      return claimed == 0 ? Optional.<StoredRequest>empty() : Sql.single(c,
          "SELECT id, kind, state, model, version, content_type, body, parameters_json,"
              + " reply_to, callback_url, attempts, done_items, callback_attempts,"
              + " callback_state, reply_state FROM async_requests WHERE id = ?",
          AsyncStore::stored, id);
    });
  }

  /** Extends this node's claims on {@code ids}; those it lost are left alone. */
  public void renew(Collection<String> ids) {
    Instant until = clock.instant().plus(lease);
    db.transaction(c -> {
      for (String id : ids) {
        Sql.update(c, "UPDATE async_requests SET lease_until = ?" + OWNED, until, id, node);
      }
      return null;
    });
  }

  /**
   * Records the answers of a batch's lines {@code from ..} in one transaction with the progress,
   * so that a restart resumes after the last recorded line and never answers one twice.
   *
   * @return false when this node no longer owns the request (deleted, or taken over)
   */
  public boolean progress(String id, int from, List<byte[]> answers) {
    return db.transaction(c -> {
      int updated = Sql.update(c,
          "UPDATE async_requests SET done_items = ?" + OWNED
              + " AND state = 'RUNNING' AND done_items = ?",
          from + answers.size(), id, node, from);
      if (updated == 0) {
        return false;
      }
      for (int i = 0; i < answers.size(); i++) {
        Sql.update(c,
            "INSERT INTO async_batch_lines (request_id, line_no, answer) VALUES (?, ?, ?)",
            id, from + i, answers.get(i));
      }
      return true;
    });
  }

  /** @return false when this node no longer owns the request */
  public boolean succeed(String id, Response response) {
    return finish(id, AsyncState.SUCCEEDED, response, null, null);
  }

  /** A finished batch, whose answers are already stored line by line. */
  public boolean succeedBatch(String id) {
    return finish(id, AsyncState.SUCCEEDED, null, null, null);
  }

  /** @return false when this node no longer owns the request */
  public boolean fail(String id, ErrorKind kind, String message) {
    return finish(id, AsyncState.FAILED, null, kind, message);
  }

  private boolean finish(
      String id, AsyncState state, Response response, ErrorKind kind, String message) {
    return db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET state = ?, finished_at = ?, done_items = CASE WHEN ? THEN"
            + " total_items ELSE done_items END, result_status = ?, result_content_type = ?,"
            + " result_headers_json = ?, result_body = ?, error_kind = ?, error_message = ?"
            + OWNED + " AND state = 'RUNNING'",
        state, clock.instant(), state == AsyncState.SUCCEEDED,
        response == null ? null : response.status(),
        response == null ? null : response.contentType(),
        response == null ? null : JsonMaps.write(response.headers()),
        response == null ? null : response.body(), kind, message, id, node) == 1);
  }

  /** Puts a request this node runs back in the queue, to be run again from {@code runAfter}. */
  public void requeue(String id, Instant runAfter) {
    db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET state = 'QUEUED', owner = NULL, lease_until = NULL,"
            + " run_after = ?" + OWNED + " AND state = 'RUNNING'",
        runAfter, id, node));
  }

  public void recordCallback(String id, DeliveryState state, int attempts, String error) {
    db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET callback_state = ?, callback_attempts = ?, callback_error = ?"
            + OWNED, state, attempts, error, id, node));
  }

  public void recordReply(String id, DeliveryState state, String error) {
    db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET reply_state = ?, reply_error = ?" + OWNED,
        state, error, id, node));
  }

  /** Gives up this node's claim on a finished request. */
  public void release(String id) {
    db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET owner = NULL, lease_until = NULL" + OWNED, id, node));
  }

  /**
   * Gives up every claim of this node at shutdown: running requests go back to the queue (not
   * counted as an attempt) and pending deliveries are left for the next node to claim.
   */
  public int releaseAll() {
    return db.transaction(c -> Sql.update(c,
        "UPDATE async_requests SET attempts = attempts - CASE WHEN state = 'RUNNING' THEN 1"
            + " ELSE 0 END, state = CASE WHEN state = 'RUNNING' THEN 'QUEUED' ELSE state END,"
            + " owner = NULL, lease_until = NULL WHERE owner = ?",
        node));
  }

  /** Cancels a request that has not finished, or forgets one that has. */
  public boolean delete(String id) {
    return db.transaction(c -> Sql.update(c, "DELETE FROM async_requests WHERE id = ?", id) == 1);
  }

  /** Deletes the finished requests (and batch answers) that finished before {@code before}. */
  public int deleteFinishedBefore(Instant before) {
    return db.transaction(c -> Sql.update(c,
        "DELETE FROM async_requests WHERE state IN ('SUCCEEDED', 'FAILED') AND finished_at < ?"
            + " AND owner IS NULL", before));
  }

  private static AsyncStatus status(ResultSet rs) throws SQLException {
    return new AsyncStatus(
        rs.getString("id"),
        AsyncKind.valueOf(rs.getString("kind")),
        rs.getString("model"),
        rs.getString("version"),
        AsyncState.valueOf(rs.getString("state")),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "started_at"),
        Sql.instant(rs, "finished_at"),
        rs.getInt("done_items"),
        rs.getInt("total_items"),
        enumOrNull(ErrorKind.class, rs.getString("error_kind")),
        rs.getString("error_message"),
        enumOrNull(DeliveryState.class, rs.getString("callback_state")),
        rs.getInt("callback_attempts"),
        rs.getString("callback_error"),
        enumOrNull(DeliveryState.class, rs.getString("reply_state")),
        rs.getString("reply_error"));
  }

  private static StoredRequest stored(ResultSet rs) throws SQLException {
    return new StoredRequest(
        rs.getString("id"),
        AsyncKind.valueOf(rs.getString("kind")),
        AsyncState.valueOf(rs.getString("state")),
        rs.getString("model"),
        rs.getString("version"),
        rs.getString("content_type"),
        rs.getBytes("body"),
        JsonMaps.read(rs.getString("parameters_json")),
        rs.getString("reply_to"),
        rs.getString("callback_url"),
        rs.getInt("attempts"),
        rs.getInt("done_items"),
        rs.getInt("callback_attempts"),
        enumOrNull(DeliveryState.class, rs.getString("callback_state")),
        enumOrNull(DeliveryState.class, rs.getString("reply_state")));
  }

  private static <E extends Enum<E>> E enumOrNull(Class<E> type, String name) {
    return name == null ? null : Enum.valueOf(type, name);
  }
}
