package dev.serval.serving;

/** Lifecycle state of a model version, named as in Triton's repository index. */
public enum ModelState {
  LOADING,
  READY,
  UNLOADING,
  UNAVAILABLE
}
