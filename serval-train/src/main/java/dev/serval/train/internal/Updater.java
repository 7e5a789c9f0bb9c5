package dev.serval.train.internal;

import java.util.Arrays;
import java.util.List;

/**
 * Applies accumulated gradients to parameters and clears them. The gradient used is
 * {@code gradScale * grad + l2 * value} plus the L1 subgradient {@code l1 * sign(value)} (the
 * penalties only for parameters that decay). For L1 a step that would carry a weight across zero
 * stops at zero, and a zero weight keeps a zero gradient while the rest of its gradient is within
 * {@code l1}: so the weights of irrelevant features become exactly zero instead of flickering
 * around it.
 */
public abstract class Updater {
  private final List<Param> params;

  protected Updater(List<Param> params) {
    this.params = List.copyOf(params);
  }

  /** Adam with bias-corrected moment estimates. */
  public static Updater adam(List<Param> params, double learningRate, double beta1, double beta2,
      double epsilon) {
    return new Adam(params, learningRate, beta1, beta2, epsilon);
  }

  /** Stochastic gradient descent with (heavy-ball) momentum; 0 is plain SGD. */
  public static Updater sgd(List<Param> params, double learningRate, double momentum) {
    return new Sgd(params, learningRate, momentum);
  }

  public final void step(double gradScale, double l2, double l1) {
    begin();
    for (int p = 0; p < params.size(); p++) {
      Param param = params.get(p);
      float[] value = param.value();
      float[] grad = param.grad();
      double decay = param.decays() ? l2 : 0;
      double shrink = param.decays() ? l1 : 0;
      for (int i = 0; i < value.length; i++) {
        float before = value[i];
        value[i] -= (float) delta(p, i,
            withL1(gradScale * grad[i] + decay * before, before, shrink));
        if (shrink > 0 && before * value[i] < 0) {
          value[i] = 0;
        }
      }
      Arrays.fill(grad, 0);
    }
  }

  /** The gradient plus the L1 subgradient that moves {@code value} least. */
  private static double withL1(double gradient, double value, double l1) {
    if (value != 0) {
      return gradient + l1 * Math.signum(value);
    }
    return Math.abs(gradient) <= l1 ? 0 : gradient - l1 * Math.signum(gradient);
  }

  /** Called once per step before any {@link #delta}. */
  protected void begin() {}

  /** The amount to subtract from element {@code i} of parameter {@code p} given its gradient. */
  protected abstract double delta(int p, int i, double gradient);

  protected final float[][] zerosLikeParams() {
    return params.stream().map(param -> new float[param.value().length]).toArray(float[][]::new);
  }

  private static final class Adam extends Updater {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final float[][] first;
    private final float[][] second;
    private int steps;
    private double correction1;
    private double correction2;

    Adam(List<Param> params, double learningRate, double beta1, double beta2, double epsilon) {
      super(params);
      this.learningRate = learningRate;
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.epsilon = epsilon;
      this.first = zerosLikeParams();
      this.second = zerosLikeParams();
    }

    @Override
    protected void begin() {
      steps++;
      correction1 = 1 - Math.pow(beta1, steps);
      correction2 = 1 - Math.pow(beta2, steps);
    }

    @Override
    protected double delta(int p, int i, double gradient) {
      float m = first[p][i] = (float) (beta1 * first[p][i] + (1 - beta1) * gradient);
      float v = second[p][i] = (float) (beta2 * second[p][i] + (1 - beta2) * gradient * gradient);
      return learningRate * (m / correction1) / (Math.sqrt(v / correction2) + epsilon);
    }
  }

  private static final class Sgd extends Updater {
    private final double learningRate;
    private final double momentum;
    private final float[][] velocity;

    Sgd(List<Param> params, double learningRate, double momentum) {
      super(params);
      this.learningRate = learningRate;
      this.momentum = momentum;
      this.velocity = zerosLikeParams();
    }

    @Override
    protected double delta(int p, int i, double gradient) {
      float v = velocity[p][i] = (float) (momentum * velocity[p][i] + gradient);
      return learningRate * v;
    }
  }
}
