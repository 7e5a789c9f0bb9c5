package dev.serval.train;

/** The non-linearity after each hidden layer. */
public enum Activation {
  RELU,
  TANH
}
