package dev.serval.server.security.internal;

import dev.serval.security.Permission;

/**
 * What a route or gRPC method needs.
 *
 * @param permission null for an open route (probes, metrics)
 * @param scope which model the permission is about
 * @param action the audit log's name for the call, or null when it is never recorded
 * @param write whether every call is recorded; otherwise only refused ones (401, 403) are
 */
record Access(Permission permission, Scope scope, String action, boolean write) {
  static final Access OPEN = new Access(null, Scope.NONE, null, false);
  /** Reads on routes nobody described: only admin keys. */
  static final Access UNKNOWN_READ = new Access(Permission.ADMIN, Scope.NONE, null, false);

  /** How a request's model is found and checked against a key's model scope. */
  enum Scope {
    /** Not about models (server metadata); any model scope will do. */
    NONE,
    /** About one model, named by the request. */
    MODEL,
    /** About every model (lists, the repository index): keys limited to some models may not. */
    ALL
  }

  static Access read(Scope scope, String action) {
    return new Access(Permission.READ, scope, action, false);
  }

  static Access write(String action) {
    return new Access(Permission.WRITE, Scope.MODEL, action, true);
  }

  static Access admin(String action, boolean write) {
    return new Access(Permission.ADMIN, Scope.NONE, action, write);
  }

  boolean isOpen() {
    return permission == null;
  }

  /** Whether a call with this outcome goes into the audit log. */
  boolean audits(int status) {
    return action != null && (write || status == 401 || status == 403);
  }
}
