package dev.serval.train.data;

/** A data set cut into the rows to train on, to stop early on, and to report accuracy on. */
public record Split(Dataset train, Dataset validation, Dataset test) {}
