package dev.restyle.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns a failure into one line on stderr and a non-zero exit: 2 for bad input (files, options), 1
 * for anything unexpected (with the stack trace at debug level).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    boolean userError =
        e instanceof IOException
            || e instanceof UncheckedIOException
            || e instanceof IllegalArgumentException;
    cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + message(e));
    LOG.debug("failure", e);
    return userError ? 2 : 1;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
