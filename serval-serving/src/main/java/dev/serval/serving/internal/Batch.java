package dev.serval.serving.internal;

import java.util.List;

/**
 * What a worker took from the queue: requests to run together and stale ones dropped on the way,
 * which must be completed without computing them.
 *
 * @param requests requests to run as one execution, in arrival order; may be empty
 * @param rows their total rows
 * @param dropped requests that timed out or were cancelled
 */
record Batch(List<PendingRequest> requests, int rows, List<PendingRequest> dropped) {}
