package dev.serval.gateway.internal;

import com.linecorp.armeria.common.AggregatedHttpResponse;

/**
 * How a request's attempts ended.
 *
 * @param response the answer to pass on; when not served, the last replica's 502/503 or null
 * @param upstream the replica that gave {@code response}
 * @param served whether a replica answered for good (success or a final error)
 * @param failure why it was not served
 * @param expired whether the deadline passed before a replica could serve it
 * @param backup the backup model that served it instead of the requested one, or null
 */
record Outcome(AggregatedHttpResponse response, Upstream upstream, boolean served,
    String failure, boolean expired, String backup) {
  static Outcome served(AggregatedHttpResponse response, Upstream upstream) {
    return new Outcome(response, upstream, true, null, false, null);
  }

  static Outcome unserved(AggregatedHttpResponse lastAnswer, Upstream upstream, String failure,
      boolean expired) {
    return new Outcome(lastAnswer, upstream, false, failure, expired, null);
  }

  /**
   * This outcome of the backup model, for a request whose primary model ended in {@code primary}.
   */
  Outcome viaBackup(String backupModel, Outcome primary) {
    if (served) {
      return new Outcome(response, upstream, true, null, false, backupModel);
    }
    return new Outcome(response != null ? response : primary.response(),
        response != null ? upstream : primary.upstream(), false,
        primary.failure() + "; backup " + failure, expired || primary.expired(), null);
  }
}
