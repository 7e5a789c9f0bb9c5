package dev.serval.core;

/** No credentials were given, or they are not valid (unknown, revoked or malformed key). */
public class UnauthenticatedException extends ServalException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message) {
    super(message);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNAUTHENTICATED;
  }
}
