package dev.restyle.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * {@code restyle} run as a child process (this test classpath, {@link Main}), so that it can be
 * sent real signals: its styles come from {@code RESTYLE_HOME}, its stdout and stderr go to files,
 * and its Prometheus endpoint tells how far it got.
 */
final class RestyleProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final int metricsPort;

  private RestyleProcess(Process process, Path stdout, Path stderr, int metricsPort) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.metricsPort = metricsPort;
  }

  /** A free port on 127.0.0.1 for the child's metrics endpoint. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts {@code restyle ARGS --metrics-port PORT}.
   *
   * @param restyleHome the folder holding {@code styles/}
   * @param logs where stdout.txt and stderr.txt go
   */
  static RestyleProcess start(Path restyleHome, Path logs, String... args) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Xmx2g",
            "--enable-native-access=ALL-UNNAMED",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--metrics-port", Integer.toString(port)));
    Files.createDirectories(logs);
    Path out = logs.resolve("stdout.txt");
    Path err = logs.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("RESTYLE_HOME", restyleHome.toString());
    return new RestyleProcess(builder.start(), out, err, port);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal with kill(1), e.g. {@code TERM}. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -s " + name + " failed");
    }
  }

  /** Waits for the exit; its status, or -1 if it did not end in time. */
  int waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  String out() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  String err() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /**
   * The value of the first sample of a Prometheus metric (a line starting with {@code name} and a
   * label set or a space), empty while the endpoint does not answer or lacks it.
   */
  OptionalDouble metric(String name) {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      String body =
          client
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not serving yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OptionalDouble.empty();
  }

  /** Waits until the metric reaches {@code value}; false if the process ended or time ran out. */
  boolean awaitMetric(String name, double value, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (metric(name).orElse(Double.NEGATIVE_INFINITY) >= value) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
