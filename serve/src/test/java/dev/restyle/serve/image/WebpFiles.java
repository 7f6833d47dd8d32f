package dev.restyle.serve.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.ffmpeg.GrabbedImages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Checks and decodes WebP files in tests, with FFmpeg's own WebP decoder (not libwebp's). */
public final class WebpFiles {
  private WebpFiles() {}

  /** A decoded image as packed RGB. */
  public record Decoded(int width, int height, byte[] rgb) {}

  /** Asserts the RIFF container signature: "RIFF", the length of the rest, "WEBP". */
  public static void assertSignature(byte[] bytes) {
    assertTrue(bytes.length > 20, "only " + bytes.length + " bytes");
    assertEquals("RIFF", new String(bytes, 0, 4, StandardCharsets.US_ASCII));
    assertEquals("WEBP", new String(bytes, 8, 4, StandardCharsets.US_ASCII));
    long declared =
        (bytes[4] & 0xffL)
            | (bytes[5] & 0xffL) << 8
            | (bytes[6] & 0xffL) << 16
            | (bytes[7] & 0xffL) << 24;
    assertEquals(bytes.length - 8, declared, "RIFF length field");
  }

  /** Decodes a WebP file to RGB. */
  public static Decoded decode(byte[] bytes) throws Exception {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(new ByteArrayInputStream(bytes), 0)) {
      grabber.setFormat("webp_pipe");
      grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
      grabber.start();
      Frame frame = grabber.grabImage();
      assertNotNull(frame, "FFmpeg decoded no image from the WebP file");
      return new Decoded(frame.imageWidth, frame.imageHeight, GrabbedImages.packedRgb(frame));
    }
  }

  /** Mean absolute difference per channel of two packed RGB images of the same size. */
  public static double meanDifference(byte[] a, byte[] b) {
    assertEquals(a.length, b.length, "sizes differ");
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return sum / (double) a.length;
  }
}
