package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sample.SampleClip;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A camera (GStreamer's RTSP server on 127.0.0.1, over TCP) that goes away for a while and comes
 * back, with a reader running all along as a pipeline's would: the outage shows in the metrics
 * while it lasts (disconnected, one outage, its seconds growing) and after (connected, one
 * reconnect, the seconds it lasted), and in the log as one warning with the reason when the stream
 * drops and one information line with the outage's length when it is back; frames resume in the
 * same source, their timestamps never going back.
 */
class CameraOutageTest {
  @TempDir Path dir;

  @Test
  void anOutageIsReportedInMetricsAndLogsAndTheStreamResumes() throws Exception {
    GstRtspTestServer.assumeAvailable();
    assertTimeoutPreemptively(Duration.ofSeconds(120), this::outage);
  }

  private void outage() throws Exception {
    FfmpegLog.install();
    Path image = dir.resolve("still.png");
    ImageIO.write(SampleClip.frame(LiveSourceTest.STILL, 0), "png", image.toFile());
    Path clip = GstRtspTestServer.clip(image, dir.resolve("still.mkv"), 60);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LiveSource.Settings tcp =
        new LiveSource.Settings(
            "tcp",
            Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2, 0),
            Map.of());
    Logger log = (Logger) LoggerFactory.getLogger(LiveSource.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try (GstRtspTestServer gst = new GstRtspTestServer(dir)) {
      gst.start("/cam", clip);
      try (LiveSource source = LiveSource.open(gst.url("/cam"), "cam", tcp, registry)) {
        List<Frame> frames = java.util.Collections.synchronizedList(new ArrayList<>());
        // a thread of its own: the common pool may have one worker, which the server needs
        CompletableFuture<Void> reader = new CompletableFuture<>();
        Thread.ofPlatform()
            .daemon(true)
            .name("camera-reader")
            .start(
                () -> {
                  try {
                    Frame frame;
                    while ((frame = source.read()) != null) {
                      frames.add(frame);
                    }
                    reader.complete(null);
                  } catch (Exception e) {
                    reader.completeExceptionally(e);
                  }
                });
        await(() -> frames.size() >= 10, reader);
        assertEquals(1.0, gauge(registry));
        assertEquals(0.0, counter(registry, LiveSource.OUTAGES));

        gst.kill(); // the camera loses power
        long killed = System.nanoTime();
        await(() -> gauge(registry) == 0.0, reader);
        assertEquals(1.0, counter(registry, LiveSource.OUTAGES), "one outage, counted at once");
        double early = counter(registry, LiveSource.OUTAGE_SECONDS);
        Thread.sleep(1000);
        double later = counter(registry, LiveSource.OUTAGE_SECONDS);
        assertTrue(later >= early + 0.9, "the outage under way counts: " + early + " " + later);
        int before = frames.size();

        gst.start("/cam", clip); // and comes back
        await(() -> counter(registry, LiveSource.RECONNECTS) == 1.0, reader);
        double downSeconds = (System.nanoTime() - killed) / 1e9;
        await(() -> frames.size() >= before + 10, reader);
        source.stop();
        assertNull(reader.get(10, TimeUnit.SECONDS));

        assertEquals(1.0, gauge(registry), "connected again");
        assertEquals(1.0, counter(registry, LiveSource.OUTAGES));
        double outage = counter(registry, LiveSource.OUTAGE_SECONDS);
        // the test sees the reconnect only when it next polls, the source a little before or
        // after the kill returns: allow a quarter of a second either way on a loaded machine
        assertTrue(outage > 1.0 && outage <= downSeconds + 0.25, outage + " s of " + downSeconds);
        long last = -1;
        for (Frame frame : List.copyOf(frames)) {
          assertTrue(frame.ptsMicros() > last, frame + " after " + last);
          last = frame.ptsMicros();
        }

        List<ILoggingEvent> warnings =
            events.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size(), "one warning: " + messages(warnings));
        String lost = warnings.getFirst().getFormattedMessage();
        assertTrue(lost.startsWith("lost " + gst.url("/cam") + " after frame "), lost);
        List<ILoggingEvent> back =
            events.list.stream()
                .filter(e -> e.getLevel() == Level.INFO)
                .filter(e -> e.getFormattedMessage().startsWith("reconnected"))
                .toList();
        assertEquals(1, back.size(), "one line when it is back: " + messages(events.list));
        Matcher m =
            Pattern.compile("after an outage of (\\d+) ms")
                .matcher(back.getFirst().getFormattedMessage());
        assertTrue(m.find(), back.getFirst().getFormattedMessage());
        assertEquals(outage * 1000, Long.parseLong(m.group(1)), 5, "the log and the metric agree");
      }
    } finally {
      log.detachAppender(events);
    }
  }

  private static List<String> messages(List<ILoggingEvent> events) {
    return events.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  private static double gauge(SimpleMeterRegistry registry) {
    return registry.get(LiveSource.CONNECTED).tag("stream", "cam").gauge().value();
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    var meter = registry.find(name).tag("stream", "cam");
    var counter = meter.counter();
    return counter != null ? counter.count() : meter.functionCounter().count();
  }

  private static void await(BooleanSupplier condition, CompletableFuture<?> reader)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (reader.isDone()) {
        reader.get();
        throw new AssertionError("the reader ended early");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(20);
    }
  }
}
