package dev.serval.bench;

/**
 * Serval's int8-dynamic model against its float32 original, as the PyTorch comparison reads it.
 *
 * @param key the folder of the exported model, e.g. "digits-mlp"
 * @param model what the model is, e.g. "digits MLP 64-128-10"
 * @param rows rows of the evaluation data (the digits test rows, or synthetic rows)
 * @param fp32Top1 top-1 accuracy of the float32 model in %, NaN without labels
 * @param int8Top1 top-1 accuracy of the int8 model in %, NaN without labels
 * @param agreement % of rows on which the int8 model's top class is the float32 model's
 * @param batch rows per timed run
 * @param fp32Millis median time of one run of the float32 model, interleaved with the int8 one
 * @param int8Millis median time of one run of the int8 model
 */
public record Int8SideBySide(String key, String model, int rows, double fp32Top1,
    double int8Top1, double agreement, int batch, double fp32Millis, double int8Millis) {

  /** Rows per second of the int8 model. */
  public double int8RowsPerSecond() {
    return batch * 1000 / int8Millis;
  }
}
