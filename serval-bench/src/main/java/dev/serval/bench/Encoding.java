package dev.serval.bench;

/** How an inference request carries its tensors. */
public enum Encoding {
  /** Plain Open Inference Protocol JSON: tensor elements as a JSON array. */
  JSON,
  /**
   * The binary tensor data extension: a JSON header followed by raw little-endian tensor bytes,
   * with binary outputs requested back.
   */
  BINARY
}
