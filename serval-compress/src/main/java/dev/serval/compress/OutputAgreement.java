package dev.serval.compress;

/**
 * How far one output of the compressed model is from the original's on the same random inputs.
 *
 * @param output the output's name
 * @param maxAbsDifference the largest absolute difference of an element
 * @param maxAbsOriginal the largest absolute value of the original's output, for scale
 */
public record OutputAgreement(String output, double maxAbsDifference, double maxAbsOriginal) {}
