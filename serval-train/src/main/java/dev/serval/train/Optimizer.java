package dev.serval.train;

import static dev.serval.train.internal.Checks.positive;
import static dev.serval.train.internal.Checks.require;

/** How gradients change the weights. */
public sealed interface Optimizer {
  double learningRate();

  /** Adam with the usual betas (0.9, 0.999) and epsilon 1e-8. */
  static Optimizer adam(double learningRate) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8);
  }

  /** Stochastic gradient descent with momentum (0 for none). */
  static Optimizer sgd(double learningRate, double momentum) {
    return new Sgd(learningRate, momentum);
  }

  /** Adam: per-weight step sizes from running first and second moments of the gradient. */
  record Adam(double learningRate, double beta1, double beta2, double epsilon)
      implements Optimizer {
    public Adam {
      positive("learningRate", learningRate);
      require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1) but was " + beta1);
      require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1) but was " + beta2);
      positive("epsilon", epsilon);
    }
  }

  /** SGD: the step is the learning rate times a momentum-averaged gradient. */
  record Sgd(double learningRate, double momentum) implements Optimizer {
    public Sgd {
      positive("learningRate", learningRate);
      require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1) but was " + momentum);
    }
  }
}
