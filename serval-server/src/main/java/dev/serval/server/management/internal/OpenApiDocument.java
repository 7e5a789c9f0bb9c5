package dev.serval.server.management.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The hand-written OpenAPI 3.0 document of the whole REST surface, a resource of this class. */
public final class OpenApiDocument {
  private static final String RESOURCE = "/dev/serval/server/management/openapi.json";

  private OpenApiDocument() {}

  /** @throws IllegalStateException when the jar lacks the document */
  public static byte[] load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the build did not package " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
