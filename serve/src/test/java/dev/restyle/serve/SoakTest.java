package dev.restyle.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restyle.ingest.sample.SampleClip;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory soak: a real server on 127.0.0.1 stylises images at a steady rate through the shared
 * inference stage (two styles, three sizes, JPEG, PNG and WebP answers, a bad request now and then)
 * and runs a short video job every minute, for {@code restyle.soak.minutes} (default 20). Each
 * minute it samples the heap in use after a full GC and the process's resident memory (VmRSS),
 * writes them to {@code target/soak/soak-memory.csv}, and at the end fails if either grew by more
 * than {@link #HEAP_BOUND_MIB} / {@link #RSS_BOUND_MIB} MiB between the baseline sample (minute 3,
 * or a third of the way in for short runs) and the last one.
 *
 * <p>Run it alone: {@code nice -n 19 mvn -B verify -Psoak -pl serve -am} (add {@code
 * -Drestyle.soak.minutes=3} for a short one; {@code -Drestyle.soak.rps} sets the image rate, 0 for
 * none, and {@code -Drestyle.soak.video=minute|loop|off} the video jobs).
 */
@Tag("slow")
@Tag("soak")
class SoakTest {
  static final long HEAP_BOUND_MIB = 32;
  static final long RSS_BOUND_MIB = 64;
  static final int[][] SIZES = {{96, 64}, {128, 96}, {160, 120}};
  static final String[] STYLES = {"starry_night", "the_scream"};
  static final String[] FORMATS = {"jpeg", "png", "webp"};

  @TempDir Path work;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Integer> unexpected = new ConcurrentHashMap<>();

  record Sample(
      double minutes,
      double heapMib,
      double heapCommittedMib,
      double rssMib,
      long requests,
      long jobs) {}

  @Test
  void memoryStaysFlatUnderSteadyLoad() throws Exception {
    double minutes = Double.parseDouble(System.getProperty("restyle.soak.minutes", "20"));
    double rate = Double.parseDouble(System.getProperty("restyle.soak.rps", "4"));
    long samplePeriodSeconds = Long.getLong("restyle.soak.sampleSeconds", 60);
    // minute: a video job each sample period; loop: one after another; off: none
    String video = System.getProperty("restyle.soak.video", "minute");
    Path csv = Path.of("target", "soak", "soak-memory.csv");
    Files.createDirectories(csv.getParent());

    List<byte[]> photos = new ArrayList<>();
    for (int[] size : SIZES) {
      photos.add(TestServer.jpeg(size[0], size[1]));
    }
    Path clipFile = work.resolve("clip.mp4");
    SampleClip.write(clipFile, new SampleClip.Spec(96, 72, 15, 30, 44_100));
    byte[] clip = Files.readAllBytes(clipFile);

    List<Sample> samples = new ArrayList<>();
    long jobs = 0;
    try (TestServer t = new TestServer(ServeConfig.defaults(), work.resolve("server"));
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor()) {
      assertTrue(t.server.ready(), "the server did not become ready");
      AtomicLong counter = new AtomicLong();
      if (rate > 0) {
        load.scheduleAtFixedRate(
            () -> fire(t, photos, counter.getAndIncrement()),
            0,
            Math.round(1_000_000 / rate),
            TimeUnit.MICROSECONDS);
      }
      long start = System.nanoTime();
      long end = start + Math.round(minutes * 60e9);
      samples.add(sample(0, 0));
      Files.writeString(
          csv,
          "minutes,heap_used_after_gc_mib,heap_committed_mib,rss_mib,requests_sent,video_jobs\n");
      append(csv, samples.getLast());
      long nextSample = start + TimeUnit.SECONDS.toNanos(samplePeriodSeconds);
      while (System.nanoTime() < end) {
        if (!video.equals("off")) {
          runVideoJob(t, clip);
          jobs++;
        }
        while (!video.equals("loop") && System.nanoTime() < Math.min(nextSample, end)) {
          Thread.sleep(200);
        }
        if (System.nanoTime() >= nextSample) {
          samples.add(sample((System.nanoTime() - start) / 60e9, jobs));
          append(csv, samples.getLast());
          nextSample += TimeUnit.SECONDS.toNanos(samplePeriodSeconds);
        }
      }
      load.shutdown();
      assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
        Thread.sleep(100);
      }
      samples.add(sample((System.nanoTime() - start) / 60e9, jobs));
      append(csv, samples.getLast());
    }

    int baselineIndex = Math.min(3, Math.max(1, samples.size() / 3));
    Sample baseline = samples.get(baselineIndex);
    Sample last = samples.getLast();
    String summary =
        String.format(
            Locale.ROOT,
            "soak %.1f min: %d requests sent (%d stylised, %d refused as meant, %d skipped while"
                + " busy), %d video jobs; heap after GC %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB"
                + " (baseline at minute %.1f, first sample heap %.1f RSS %.1f; MALLOC_ARENA_MAX=%s);"
                + " samples in %s",
            last.minutes(),
            sent.get(),
            ok.get(),
            refused.get(),
            skipped.get(),
            jobs,
            baseline.heapMib(),
            last.heapMib(),
            baseline.rssMib(),
            last.rssMib(),
            baseline.minutes(),
            samples.getFirst().heapMib(),
            samples.getFirst().rssMib(),
            System.getenv("MALLOC_ARENA_MAX"),
            csv.toAbsolutePath());
    System.out.println(summary);
    assertTrue(unexpected.isEmpty(), "unexpected answers: " + unexpected + "; " + summary);
    assertEquals(0, inFlight.get(), "requests still in flight; " + summary);
    long expected = Math.round(minutes * 60 * rate);
    // A steady load, not a benchmark: on a machine busy with other work (requests are skipped
    // rather than piled up) a quarter of the planned rate still soaks the server.
    assertTrue(ok.get() >= expected / 4, "too few images stylised; " + summary);
    assertTrue(
        last.heapMib() - baseline.heapMib() <= HEAP_BOUND_MIB,
        "heap grew by more than " + HEAP_BOUND_MIB + " MiB; " + summary);
    assertTrue(
        last.rssMib() - baseline.rssMib() <= RSS_BOUND_MIB,
        "resident memory grew by more than " + RSS_BOUND_MIB + " MiB; " + summary);
  }

  /** One request of the steady load: mostly images to stylise, every 16th a bad one. */
  private void fire(TestServer t, List<byte[]> photos, long n) {
    if (inFlight.get() >= 8) {
      skipped.incrementAndGet(); // the server is behind (a busy machine): do not pile up
      return;
    }
    boolean bad = n % 16 == 15;
    String style = STYLES[(int) (n % STYLES.length)];
    String format = FORMATS[(int) ((n / 2) % FORMATS.length)];
    byte[] body = bad ? "not an image".getBytes(StandardCharsets.UTF_8) : photos.get((int) (n % 3));
    HttpRequest request =
        HttpRequest.newBuilder(
                t.uri(
                    "/api/stylize?style="
                        + style
                        + "&format="
                        + format
                        + "&strength="
                        + (n % 5 == 0 ? "0.6" : "1")))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(60))
            .build();
    sent.incrementAndGet();
    inFlight.incrementAndGet();
    t.http
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete(
            (r, failure) -> {
              inFlight.decrementAndGet();
              String outcome;
              if (failure != null) {
                outcome = "failed: " + failure.getClass().getSimpleName();
              } else if (!bad && r.statusCode() == 200 && r.body().length > 0) {
                ok.incrementAndGet();
                return;
              } else if (bad && r.statusCode() == 400) {
                refused.incrementAndGet();
                return;
              } else {
                outcome = (bad ? "bad input " : "image ") + r.statusCode();
              }
              unexpected.merge(outcome, 1, Integer::sum);
            });
  }

  /** Uploads the clip as a job, waits for it, downloads the video and deletes the job. */
  private void runVideoJob(TestServer t, byte[] clip) throws Exception {
    HttpResponse<byte[]> created =
        t.post(
            "/api/jobs",
            new Multipart()
                .file("video", "clip.mp4", "video/mp4", clip)
                .field("style", "the_scream"));
    if (created.statusCode() != 202) {
      unexpected.merge("job " + created.statusCode(), 1, Integer::sum);
      return;
    }
    String id = TestServer.json(created).path("id").asText();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300); // a busy machine
    String state = "";
    while (System.nanoTime() < deadline) {
      JsonNode status = TestServer.json(t.get("/api/jobs/" + id));
      state = status.path("state").asText();
      if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
        break;
      }
      Thread.sleep(250);
    }
    if (!state.equals("SUCCEEDED")) {
      unexpected.merge("job " + state, 1, Integer::sum);
    } else {
      HttpResponse<byte[]> output = t.get("/api/jobs/" + id + "/output");
      if (output.statusCode() != 200 || output.body().length == 0) {
        unexpected.merge("job output " + output.statusCode(), 1, Integer::sum);
      }
    }
    HttpResponse<byte[]> deleted = t.delete("/api/jobs/" + id);
    if (deleted.statusCode() != 204) {
      unexpected.merge("job delete " + deleted.statusCode(), 1, Integer::sum);
    }
  }

  private Sample sample(double minutes, long jobs) throws InterruptedException, IOException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(200);
    }
    var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    double mib = 1024.0 * 1024;
    return new Sample(
        minutes,
        usage.getUsed() / mib,
        usage.getCommitted() / mib,
        residentMib(),
        sent.get(),
        jobs);
  }

  /** VmRSS from /proc/self/status, in MiB. */
  static double residentMib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) / 1024.0; // kB
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  private static void append(Path csv, Sample s) throws IOException {
    Files.writeString(
        csv,
        String.format(
            Locale.ROOT,
            "%.2f,%.1f,%.1f,%.1f,%d,%d%n",
            s.minutes(),
            s.heapMib(),
            s.heapCommittedMib(),
            s.rssMib(),
            s.requests(),
            s.jobs()),
        java.nio.file.StandardOpenOption.APPEND);
  }
}
