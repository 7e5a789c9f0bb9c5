package dev.serval.compress;

/**
 * What fine-tuning did to a compressed model: its trainable layers were trained on labelled rows
 * and the original model's outputs (distillation), and the weights of the best epoch on held-out
 * rows were written back into the compressed graph.
 *
 * @param data the labelled rows' file
 * @param rows rows in the file: {@code trainingRows} trained on, {@code heldOutRows} held out to
 *     pick the epoch and to score before and after
 * @param epochs the epoch budget
 * @param bestEpoch the epoch whose weights were kept; 0 when none beat the compressed model's own
 *     loss on the held-out rows, which was then kept unchanged
 * @param top1Before top-1 in % of the compressed model on the held-out rows, before fine-tuning
 * @param top1After the same after fine-tuning
 */
public record FineTuningReport(String data, int rows, int trainingRows, int heldOutRows,
    int epochs, int bestEpoch, double top1Before, double top1After) {}
