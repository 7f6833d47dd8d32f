package dev.restyle.serve.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WebpEncoderTest {
  /** A smooth colour gradient with a hard-edged block, odd-sized so rows are padded natively. */
  private static byte[] picture(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = (y * width + x) * 3;
        boolean block = x > width / 3 && x < width / 2 && y > height / 4 && y < height / 2;
        rgb[i] = (byte) (block ? 250 : 255 * x / width);
        rgb[i + 1] = (byte) (block ? 20 : 255 * y / height);
        rgb[i + 2] = (byte) (block ? 30 : 128);
      }
    }
    return rgb;
  }

  @Test
  void encodesAWebpThatDecodesBackToThePicture() throws Exception {
    assertTrue(WebpEncoder.available(), "the bundled FFmpeg has no libwebp encoder");
    byte[] rgb = picture(101, 67);
    byte[] webp = WebpEncoder.encode(rgb, 101, 67, 90);
    WebpFiles.assertSignature(webp);
    assertEquals("VP8 ", new String(webp, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
    WebpFiles.Decoded back = WebpFiles.decode(webp);
    assertEquals(101, back.width());
    assertEquals(67, back.height());
    double difference = WebpFiles.meanDifference(rgb, back.rgb());
    assertTrue(difference < 4, "mean difference " + difference);
    // red block stays red: channels in the right order
    int i = (67 / 3 * 101 + 101 * 5 / 12) * 3;
    assertTrue((back.rgb()[i] & 0xff) > 200 && (back.rgb()[i + 2] & 0xff) < 80, "not red");
  }

  @Test
  void lowerQualityIsSmaller() {
    byte[] rgb = picture(160, 120);
    assertTrue(
        WebpEncoder.encode(rgb, 160, 120, 20).length
            < WebpEncoder.encode(rgb, 160, 120, 95).length);
  }

  @Test
  void refusesWhatWebpCannotHold() {
    assertThrows(
        IllegalArgumentException.class, () -> WebpEncoder.encode(new byte[3], 16384, 1, 90));
    assertThrows(IllegalArgumentException.class, () -> WebpEncoder.encode(new byte[5], 2, 1, 90));
    assertThrows(IllegalArgumentException.class, () -> WebpEncoder.encode(new byte[6], 2, 1, 101));
  }
}
