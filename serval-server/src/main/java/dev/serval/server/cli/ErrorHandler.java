package dev.serval.server.cli;

import dev.serval.core.ServalException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one line on stderr and an exit code, so a user sees what was wrong rather
 * than a stack trace. Unexpected errors keep their stack trace in the log.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int USAGE = 2;
  static final int FAILURE = 1;
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    if (e instanceof UsageException) {
      cmd.getErr().println("serval: " + e.getMessage());
      return USAGE;
    }
    if (e instanceof CommandException || e instanceof ServalException
        || e instanceof UncheckedIOException) {
      cmd.getErr().println("serval: " + e.getMessage());
      return FAILURE;
    }
    LOG.error("unexpected failure", e);
    cmd.getErr().println("serval: unexpected error: " + e + " (details in the log above)");
    return FAILURE;
  }
}
