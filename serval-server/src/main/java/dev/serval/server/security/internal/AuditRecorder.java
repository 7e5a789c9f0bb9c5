package dev.serval.server.security.internal;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.serval.security.Actor;
import dev.serval.security.AuditEvent;
import dev.serval.security.AuditLog;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries off the event loop. A failed write is logged as an error with the whole
 * entry, so that it is not lost silently; the request's answer does not wait for it.
 */
final class AuditRecorder {
  /** What a handler adds about its target, e.g. the id of the key it created. */
  static final AttributeKey<String> DETAIL = AttributeKey.valueOf(AuditRecorder.class, "DETAIL");
  private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);

  private final AuditLog audit;

  AuditRecorder(AuditLog audit) {
    this.audit = audit;
  }

  /**
   * @param target the model, version and detail the call addressed
   */
  void record(ServiceRequestContext ctx, Actor actor, String action, Target target, int status) {
    String detail = join(target.detail(), ctx.attr(DETAIL));
    AuditEvent event = new AuditEvent(actor, ctx.clientAddress().getHostAddress(), action,
        target.model(), target.version(), detail, status);
    ctx.blockingTaskExecutor().execute(() -> {
      try {
        audit.record(event);
      } catch (RuntimeException e) {
        log.error("Could not write to the audit log: {}", event, e);
      }
    });
  }

  private static String join(String a, String b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a + " " + b;
  }

  /**
   * What a call addressed.
   *
   * @param model null when no model
   * @param version a version number, or null
   * @param detail other names (alias, tag, key id), or null
   */
  record Target(String model, Integer version, String detail) {}
}
