package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sample.SampleClip;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live source over UDP against a real RTSP server on 127.0.0.1 (rtsp-server-perl, fed by an
 * ffmpeg publisher) that goes away and comes back. The default run covers TCP with {@link
 * LiveSourceTcpTest}.
 */
@Tag("slow")
class LiveSourceTest {
  static final SampleClip.Spec STILL = new SampleClip.Spec(96, 64, 10, 1, 8_000);

  @TempDir static Path dir;
  static Path image;

  @BeforeAll
  static void writeImage() throws Exception {
    RtspTestServer.assumeAvailable();
    FfmpegLog.install();
    image = dir.resolve("still.png");
    ImageIO.write(SampleClip.frame(STILL, 0), "png", image.toFile());
  }

  static LiveSource.Settings udp() {
    return new LiveSource.Settings(
        "udp",
        Duration.ofSeconds(2),
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2, 0),
        Map.of());
  }

  @Test
  void resumesAfterTheServerAndCameraComeBack() {
    assertTimeoutPreemptively(Duration.ofSeconds(90), this::killAndRestart);
  }

  private void killAndRestart() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RtspTestServer rtsp = new RtspTestServer(dir)) {
      rtsp.startServer();
      rtsp.startPublisher(image, "cam");
      try (LiveSource source = LiveSource.open(rtsp.playUrl("cam"), "cam", udp(), registry)) {
        assertEquals(96, source.info().width());
        long lastPts = -1;
        for (int i = 0; i < 10; i++) {
          Frame frame = source.read();
          assertTrue(frame.ptsMicros() > lastPts, frame + " after " + lastPts);
          lastPts = frame.ptsMicros();
        }
        rtsp.kill();
        Thread.sleep(1000);
        rtsp.startServer();
        rtsp.startPublisher(image, "cam");
        for (int i = 0; i < 10; i++) {
          Frame frame = source.read();
          assertTrue(frame.ptsMicros() > lastPts, frame + " after " + lastPts);
          lastPts = frame.ptsMicros();
        }
        assertEquals(1, source.reconnects());
        assertEquals(1.0, registry.get(LiveSource.RECONNECTS).counter().count());
      }
    }
  }
}
