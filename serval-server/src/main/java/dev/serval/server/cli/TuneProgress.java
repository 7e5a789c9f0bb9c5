package dev.serval.server.cli;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.TrialState;
import java.io.PrintWriter;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/** One stderr line per finished trial: count, state, value and the best value so far. */
final class TuneProgress implements Consumer<FrozenTrial> {
  private final PrintWriter err;
  private final int total;
  private final Direction direction;
  private int finished;
  private double bestValue;
  private int bestNumber = -1;

  TuneProgress(PrintWriter err, int total, Direction direction) {
    this.err = err;
    this.total = total;
    this.direction = direction;
  }

  @Override
  public void accept(FrozenTrial trial) {
    record(trial.number(), trial.state(), trial.value(), trial.userAttributes().get("error"));
  }

  /** The same line for a trial told elsewhere (a server holding the study). */
  synchronized void record(int number, TrialState state, OptionalDouble value, Object error) {
    finished++;
    if (state == TrialState.COMPLETE && value.isPresent()
        && (bestNumber < 0 || direction.isBetter(value.getAsDouble(), bestValue))) {
      bestValue = value.getAsDouble();
      bestNumber = number;
    }
    String shown = value.isPresent() ? " value=" + value.getAsDouble() : "";
    err.println("trial " + finished + "/" + total + " #" + number + " " + state + shown
        + (error == null ? "" : " (" + error + ")")
        + (bestNumber < 0 ? "" : " best=" + bestValue + " #" + bestNumber));
    err.flush();
  }
}
