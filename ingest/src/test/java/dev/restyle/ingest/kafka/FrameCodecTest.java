package dev.restyle.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.restyle.ingest.frame.Frame;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static Frame randomFrame(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    new Random(3).nextBytes(rgb);
    return new Frame("cam7", 42, 1_680_000, width, height, rgb, 0);
  }

  @Test
  void rgbAndPngRoundTripExactly() throws Exception {
    Frame frame = randomFrame(13, 7);
    for (FrameEncoding encoding : new FrameEncoding[] {FrameEncoding.RGB, FrameEncoding.PNG}) {
      Headers headers = FrameCodec.headers(frame, encoding);
      Frame back = FrameCodec.decode("cam7", headers, FrameCodec.encode(frame, encoding), 0);
      assertArrayEquals(frame.rgb(), back.rgb(), encoding.header());
      assertEquals(42, back.index());
      assertEquals(1_680_000, back.ptsMicros());
      assertEquals(encoding, FrameCodec.encoding(headers));
    }
  }

  @Test
  void jpegRoundTripsWithinTolerance() throws Exception {
    BufferedImage picture = KafkaFrames.picture(1, 3);
    Frame frame = new Frame("cam1", 3, 0, 64, 48, FrameCodec.toRgb(picture), 0);
    byte[] jpeg = FrameCodec.encode(frame, FrameEncoding.JPEG);
    Frame back = FrameCodec.decode("cam1", FrameCodec.headers(frame, FrameEncoding.JPEG), jpeg, 0);
    double diff = KafkaFrames.meanAbsDiff(picture, FrameCodec.toImage(back));
    assertTrue(diff < 4, "JPEG at quality 0.95 differs by " + diff);
  }

  @Test
  void refusesRecordsThatAreNotFrames() {
    Frame frame = randomFrame(8, 8);
    byte[] rgb = frame.rgb();
    Headers ok = FrameCodec.headers(frame, FrameEncoding.RGB);
    assertEquals(
        MalformedFrameException.Kind.KEY,
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode("", ok, rgb, 0))
            .kind());

    Headers badNumber = FrameCodec.headers(frame, FrameEncoding.RGB);
    FrameHeaders.put(badNumber, FrameHeaders.WIDTH, "eight");
    MalformedFrameException e =
        assertThrows(
            MalformedFrameException.class, () -> FrameCodec.decode("s", badNumber, rgb, 0));
    assertEquals("header frame.width is not a whole number: 'eight'", e.reason());

    Headers badEncoding = FrameCodec.headers(frame, FrameEncoding.RGB);
    FrameHeaders.put(badEncoding, FrameHeaders.ENCODING, "webp");
    e =
        assertThrows(
            MalformedFrameException.class, () -> FrameCodec.decode("s", badEncoding, rgb, 0));
    assertEquals(MalformedFrameException.Kind.HEADER, e.kind());
    assertTrue(e.reason().contains("webp"), e.reason());

    Headers huge = FrameCodec.headers(frame, FrameEncoding.RGB);
    FrameHeaders.put(huge, FrameHeaders.WIDTH, 100_000);
    FrameHeaders.put(huge, FrameHeaders.HEIGHT, 100_000);
    assertEquals(
        MalformedFrameException.Kind.HEADER,
        assertThrows(MalformedFrameException.class, () -> FrameCodec.decode("s", huge, rgb, 0))
            .kind());

    assertEquals(
        MalformedFrameException.Kind.DECODE,
        assertThrows(
                MalformedFrameException.class,
                () ->
                    FrameCodec.decode(
                        "s", FrameCodec.headers(frame, FrameEncoding.PNG), new byte[] {1, 2}, 0))
            .kind());
  }
}
