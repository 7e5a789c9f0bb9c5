package dev.serval.server.api.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.serval.async.AsyncKind;
import dev.serval.async.AsyncStatus;
import dev.serval.async.DeliveryState;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/** The status document of an asynchronous request. */
final class AsyncJson {
  private AsyncJson() {}

  static byte[] status(AsyncStatus s) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("id", s.id());
      g.writeStringField("status", s.state().name());
      g.writeStringField("kind", s.kind().name().toLowerCase(Locale.ROOT));
      g.writeStringField("model", s.model());
      if (s.version() != null) {
        g.writeStringField("version", s.version());
      }
      time(g, "queued_at", s.createdAt());
      time(g, "started_at", s.startedAt());
      time(g, "finished_at", s.finishedAt());
      if (s.kind() == AsyncKind.BATCH) {
        g.writeObjectFieldStart("progress");
        g.writeNumberField("done", s.done());
        g.writeNumberField("total", s.total());
        g.writeEndObject();
      }
      if (s.errorMessage() != null) {
        g.writeStringField("error", s.errorMessage());
      }
      delivery(g, "callback", s.callbackState(), s.callbackError(), s.callbackAttempts());
      delivery(g, "reply", s.replyState(), s.replyError(), -1);
      g.writeEndObject();
    });
  }

  private static void time(JsonGenerator g, String field, Instant time) throws IOException {
    if (time != null) {
      g.writeStringField(field, time.toString());
    }
  }

  /** @param attempts how many tries so far, or -1 when not counted */
  private static void delivery(JsonGenerator g, String field, DeliveryState state, String error,
      int attempts) throws IOException {
    if (state == null) {
      return;
    }
    g.writeObjectFieldStart(field);
    g.writeStringField("state", state.name());
    if (attempts >= 0) {
      g.writeNumberField("attempts", attempts);
    }
    if (error != null) {
      g.writeStringField("error", error);
    }
    g.writeEndObject();
  }
}
