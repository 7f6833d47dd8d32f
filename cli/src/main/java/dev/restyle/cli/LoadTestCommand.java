package dev.restyle.cli;

import dev.restyle.serve.loadtest.LoadTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code restyle loadtest}: throughput and latency of a running {@code restyle serve}. */
@Command(
    name = "loadtest",
    description =
        "Send POST /api/stylize requests to a running 'restyle serve' at several concurrency"
            + " levels; report requests/s and p50/p99 latency. Exits 1 if any request failed.")
final class LoadTestCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080",
      description = "the server (default ${DEFAULT-VALUE})")
  URI url;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "1,4,16",
      description = "concurrency levels, comma-separated (default ${DEFAULT-VALUE})")
  List<Integer> concurrency;

  @Option(
      names = "--requests",
      defaultValue = "64",
      description = "requests per level (default ${DEFAULT-VALUE})")
  int requests;

  @Option(
      names = "--size",
      defaultValue = "512",
      description = "side of the square test image in pixels (default ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--style",
      defaultValue = "starry_night",
      description = "style to request (default ${DEFAULT-VALUE})")
  String style;

  @Option(
      names = "--timeout-s",
      defaultValue = "120",
      description = "limit of one request in seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    LoadTest test =
        new LoadTest(
            new LoadTest.Settings(
                url, concurrency, requests, size, style, Duration.ofSeconds(timeoutSeconds)));
    System.out.printf(
        "POST %s/api/stylize, %dx%d JPEG (%d bytes), style %s, %d requests per level%n",
        url, size, size, test.image().length, style, requests);
    System.out.println(LoadTest.HEADER);
    boolean failed = false;
    for (int c : concurrency) {
      LoadTest.Level level = test.run(c);
      System.out.println(level);
      failed |= level.ok() != level.requests();
    }
    return failed ? 1 : 0;
  }
}
