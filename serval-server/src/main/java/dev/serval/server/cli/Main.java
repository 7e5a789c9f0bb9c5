package dev.serval.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code serval} command line: wires the subcommands and maps errors to exit codes. */
@Command(
    name = "serval",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Serval: serve, version, compress and tune machine-learning models on the JVM.",
    subcommands = {
      ServeCommand.class,
      GatewayCommand.class,
      DemoCommand.class,
      ModelsCommand.class,
      BenchCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      TuneCommand.class,
      BatchCommand.class,
      CompressCommand.class,
      KeysCommand.class,
      JobsCommand.class,
      WorkerCommand.class,
      TrainCommand.class,
      DistillCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, without exiting (for tests). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(new ErrorHandler())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
