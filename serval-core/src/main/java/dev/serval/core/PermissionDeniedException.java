package dev.serval.core;

/** The caller is known but its role or scope does not allow the action. */
public class PermissionDeniedException extends ServalException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.PERMISSION_DENIED;
  }
}
