package dev.restyle.serve.loadtest;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.ingest.sample.SampleClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends {@code POST /api/stylize} requests at fixed concurrency levels and measures throughput and
 * latency: for each level, {@code concurrency} clients each send their next request as soon as the
 * last one answered, until {@code requests} have been sent (after a short warm-up). Bounded in
 * count and time: every request has a timeout.
 */
public final class LoadTest {

  /**
   * What to run.
   *
   * @param url the server, e.g. {@code http://127.0.0.1:8080}
   * @param concurrencies the levels, run in order
   * @param requests requests per level
   * @param size side of the square test image, in pixels
   * @param style the style to ask for
   * @param timeout limit of one request
   */
  public record Settings(
      URI url,
      List<Integer> concurrencies,
      int requests,
      int size,
      String style,
      Duration timeout) {
    public Settings {
      Objects.requireNonNull(url, "url");
      concurrencies = List.copyOf(concurrencies);
      List<String> problems = new ArrayList<>();
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        problems.add("url must be http:// or https://, got " + url);
      }
      if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 1024)) {
        problems.add("concurrency levels must be 1 to 1024, got " + concurrencies);
      }
      if (requests < 1) {
        problems.add("requests must be at least 1, got " + requests);
      }
      if (size < 16 || size > 4096 || size % 2 != 0) {
        problems.add("size must be an even number from 16 to 4096, got " + size);
      }
      if (problems.isEmpty() && concurrencies.stream().anyMatch(c -> c > requests)) {
        problems.add("each concurrency level must be at most --requests (" + requests + ")");
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
    }
  }

  /**
   * One level's outcome.
   *
   * @param errors responses other than 200, and failed requests, by status ("IOException" etc.)
   */
  public record Level(
      int concurrency,
      int requests,
      int ok,
      Map<String, Integer> errors,
      double seconds,
      double p50Millis,
      double p99Millis,
      double maxMillis) {
    public double requestsPerSecond() {
      return ok / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%11d %9d %7d %8.2f %9.0f %9.0f %9.0f  %s",
          concurrency,
          requests,
          requests - ok,
          requestsPerSecond(),
          p50Millis,
          p99Millis,
          maxMillis,
          errors.isEmpty() ? "" : errors.toString());
    }
  }

  public static final String HEADER =
      "concurrency  requests  errors    req/s   p50 ms    p99 ms    max ms";

  private final Settings settings;
  private final HttpClient client;
  private final byte[] image;

  public LoadTest(Settings settings) throws IOException {
    this.settings = settings;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    BufferedImage picture =
        SampleClip.frame(new SampleClip.Spec(settings.size(), settings.size(), 15, 45, 44_100), 12);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageFiles.write(picture, "jpeg", out);
    this.image = out.toByteArray();
  }

  /** The encoded test image (a JPEG of the sample clip's frame). */
  public byte[] image() {
    return image.clone();
  }

  /** Runs one level. */
  public Level run(int concurrency) throws InterruptedException {
    warmUp(concurrency);
    long[] latencies = new long[settings.requests()];
    AtomicInteger next = new AtomicInteger();
    Map<String, Integer> errors = new TreeMap<>();
    AtomicInteger ok = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService clients = Executors.newFixedThreadPool(concurrency)) {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        running.add(
            clients.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < settings.requests()) {
                    long begin = System.nanoTime();
                    String outcome = send();
                    latencies[i] = System.nanoTime() - begin;
                    if (outcome == null) {
                      ok.incrementAndGet();
                    } else {
                      synchronized (errors) {
                        errors.merge(outcome, 1, Integer::sum);
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a load-test client failed", e.getCause());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Level(
        concurrency,
        settings.requests(),
        ok.get(),
        errors,
        seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6);
  }

  /** A round of {@code concurrency} requests so the level starts with a warm server. */
  private void warmUp(int concurrency) throws InterruptedException {
    try (ExecutorService clients = Executors.newFixedThreadPool(concurrency)) {
      for (int c = 0; c < concurrency; c++) {
        clients.submit(this::send);
      }
    }
  }

  /** Sends one request: null if it succeeded, else what went wrong. */
  private String send() {
    HttpRequest request =
        HttpRequest.newBuilder(
                settings.url().resolve("/api/stylize?style=" + settings.style() + "&format=jpeg"))
            .timeout(settings.timeout())
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
            .build();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return response.statusCode() == 200 && response.body().length > 0
          ? null
          : "HTTP " + response.statusCode();
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
  public static double percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }
}
