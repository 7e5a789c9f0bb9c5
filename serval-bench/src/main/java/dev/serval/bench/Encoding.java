package dev.serval.bench;

/** How an inference request carries its tensors. */
public enum Encoding {
  /** Plain Open Inference Protocol JSON: tensor elements as a JSON array. */
  JSON,
  /**
   * The binary tensor data extension: a JSON header followed by raw little-endian tensor bytes,
   * with binary outputs requested back.
   */
  BINARY,
  /**
   * The KServe v2 gRPC {@code ModelInfer} call with {@code raw_input_contents}, every client a
   * stream on one shared HTTP/2 connection.
   */
  GRPC;

  /** Whether requests go over REST, one HTTP/1.1 connection per client. */
  public boolean isRest() {
    return this != GRPC;
  }
}
