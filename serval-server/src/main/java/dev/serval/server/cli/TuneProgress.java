package dev.serval.server.cli;

import dev.serval.tune.Direction;
import dev.serval.tune.FrozenTrial;
import dev.serval.tune.TrialState;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** One stderr line per finished trial: count, state, value and the best value so far. */
final class TuneProgress implements Consumer<FrozenTrial> {
  private final PrintWriter err;
  private final int total;
  private final Direction direction;
  private int finished;
  private FrozenTrial best;

  TuneProgress(PrintWriter err, int total, Direction direction) {
    this.err = err;
    this.total = total;
    this.direction = direction;
  }

  @Override
  public synchronized void accept(FrozenTrial trial) {
    finished++;
    if (trial.state() == TrialState.COMPLETE && (best == null || direction.isBetter(
        trial.value().getAsDouble(), best.value().getAsDouble()))) {
      best = trial;
    }
    String value = trial.value().isPresent() ? " value=" + trial.value().getAsDouble() : "";
    Object error = trial.userAttributes().get("error");
    err.println("trial " + finished + "/" + total + " #" + trial.number() + " "
        + trial.state() + value + (error == null ? "" : " (" + error + ")")
        + (best == null ? "" : " best=" + best.value().getAsDouble() + " #" + best.number()));
    err.flush();
  }
}
