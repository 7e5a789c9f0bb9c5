package dev.serval.train;

/**
 * What one finished epoch achieved, for progress display.
 *
 * @param trainLoss mean training loss over the epoch's batches (with mixup or distillation, of
 *     the mixed or softened targets)
 * @param validationLoss cross-entropy (classifier) or mean squared error (regressor)
 * @param validationMetric accuracy (classifier) or root mean squared error (regressor)
 * @param bestEpoch the epoch with the lowest validation loss so far, whose weights are kept
 */
public record EpochProgress(int epoch, int epochs, double trainLoss, double validationLoss,
    double validationMetric, int bestEpoch) {}
