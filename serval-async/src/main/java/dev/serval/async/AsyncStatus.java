package dev.serval.async;

import dev.serval.core.ErrorKind;
import java.time.Instant;

/**
 * What is known about an asynchronous request, without its body or result.
 *
 * @param version the version or alias the client named, or null
 * @param done lines answered so far (batches; 0 or 1 for a single request)
 * @param total lines in the batch (1 for a single request)
 * @param errorKind why it failed, or null
 * @param callbackState null when no callback URL was given
 * @param replyState null when no reply queue was given
 */
public record AsyncStatus(
    String id,
    AsyncKind kind,
    String model,
    String version,
    AsyncState state,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int done,
    int total,
    ErrorKind errorKind,
    String errorMessage,
    DeliveryState callbackState,
    int callbackAttempts,
    String callbackError,
    DeliveryState replyState,
    String replyError) {}
