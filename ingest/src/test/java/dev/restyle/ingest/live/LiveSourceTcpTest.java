package dev.restyle.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sample.SampleClip;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default transport, RTSP over TCP, against GStreamer's RTSP server on 127.0.0.1: frames arrive
 * as the camera sent them, and a server that dies and comes back is reconnected to (about 6 s).
 */
class LiveSourceTcpTest {
  @TempDir Path dir;

  @Test
  void readsOverTcpAndReconnects() throws Exception {
    GstRtspTestServer.assumeAvailable();
    assertTimeoutPreemptively(Duration.ofSeconds(90), this::readKillRestart);
  }

  private void readKillRestart() throws Exception {
    FfmpegLog.install();
    BufferedImage picture = SampleClip.frame(LiveSourceTest.STILL, 0);
    Path image = dir.resolve("still.png");
    ImageIO.write(picture, "png", image.toFile());
    Path clip = GstRtspTestServer.clip(image, dir.resolve("still.mkv"), 30);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LiveSource.Settings tcp =
        new LiveSource.Settings(
            "tcp",
            Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2, 0),
            Map.of());
    try (GstRtspTestServer gst = new GstRtspTestServer(dir)) {
      gst.start("/cam", clip);
      try (LiveSource source = LiveSource.open(gst.url("/cam"), "cam", tcp, registry)) {
        long lastPts = -1;
        for (int i = 0; i < 20; i++) {
          Frame frame = source.read();
          assertTrue(frame.ptsMicros() > lastPts, frame + " after " + lastPts);
          lastPts = frame.ptsMicros();
          double diff = RtspPipelineTest.meanAbsDiff(image(frame), RtspPipelineTest.copy(picture));
          assertTrue(diff < 8, "frame " + i + " differs by " + diff);
          if (i == 9) {
            gst.kill();
            Thread.sleep(500);
            gst.start("/cam", clip);
          }
        }
        assertEquals(1, source.reconnects());
        assertEquals(1.0, registry.get(LiveSource.RECONNECTS).counter().count());
      }
    }
  }

  static BufferedImage image(Frame frame) {
    BufferedImage image =
        new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = frame.rgb();
    for (int y = 0; y < frame.height(); y++) {
      for (int x = 0; x < frame.width(); x++) {
        int at = 3 * (y * frame.width() + x);
        image.setRGB(x, y, (rgb[at] & 0xff) << 16 | (rgb[at + 1] & 0xff) << 8 | rgb[at + 2] & 0xff);
      }
    }
    return image;
  }
}
