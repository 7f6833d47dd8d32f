package dev.restyle.ingest.kafka;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.ImageTensors;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.kafka.MalformedFrameException.Kind;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns records into {@link Frame}s and frames into record values and headers (the format is in the
 * README, section "Kafka frame topics"): key = stream id, headers {@link FrameHeaders}, value a
 * JPEG, a PNG or packed RGB.
 */
public final class FrameCodec {
  /** Frames above this many pixels are refused before decoding (64 megapixels). */
  public static final long MAX_PIXELS = ImageFiles.DEFAULT_MAX_PIXELS;

  private FrameCodec() {}

  /**
   * Decodes a record into a frame.
   *
   * @param key the record's key, the stream id
   * @param createdNanos {@link System#nanoTime()} for the frame's latency
   * @throws MalformedFrameException with the reason if the record is not a valid frame
   */
  public static Frame decode(String key, Headers headers, byte[] value, long createdNanos)
      throws MalformedFrameException {
    if (key == null || key.isBlank()) {
      throw new MalformedFrameException(Kind.KEY, "no stream id: the record key is empty");
    }
    long index = number(headers, FrameHeaders.INDEX, true);
    if (index < 0) {
      throw new MalformedFrameException(
          Kind.HEADER, FrameHeaders.INDEX + " must not be negative, got " + index);
    }
    long pts =
        headers.lastHeader(FrameHeaders.PTS) == null ? 0 : number(headers, FrameHeaders.PTS, true);
    long width = number(headers, FrameHeaders.WIDTH, true);
    long height = number(headers, FrameHeaders.HEIGHT, true);
    // Each side checked first: the product of two large sides could overflow.
    if (width <= 0
        || height <= 0
        || width > MAX_PIXELS
        || height > MAX_PIXELS
        || width * height > MAX_PIXELS) {
      throw new MalformedFrameException(
          Kind.HEADER,
          "frame size "
              + width
              + "x"
              + height
              + " is not positive or exceeds "
              + MAX_PIXELS
              + " pixels");
    }
    FrameEncoding encoding = encoding(headers);
    if (value == null || value.length == 0) {
      throw new MalformedFrameException(Kind.DECODE, "the record has no value");
    }
    byte[] rgb =
        switch (encoding) {
          case RGB -> {
            if (value.length != width * height * 3) {
              throw new MalformedFrameException(
                  Kind.SIZE,
                  "rgb value of "
                      + value.length
                      + " bytes, a "
                      + width
                      + "x"
                      + height
                      + " frame needs "
                      + width * height * 3);
            }
            yield value;
          }
          case JPEG, PNG -> {
            BufferedImage image;
            try {
              image = ImageFiles.decode(value, MAX_PIXELS);
            } catch (IOException e) {
              throw new MalformedFrameException(
                  Kind.DECODE, encoding.header() + " value does not decode: " + e.getMessage(), e);
            }
            if (image.getWidth() != width || image.getHeight() != height) {
              throw new MalformedFrameException(
                  Kind.SIZE,
                  "headers say "
                      + width
                      + "x"
                      + height
                      + ", the image is "
                      + image.getWidth()
                      + "x"
                      + image.getHeight());
            }
            yield toRgb(image);
          }
        };
    return new Frame(key, index, pts, (int) width, (int) height, rgb, createdNanos);
  }

  /** The encoding a record's headers name. */
  public static FrameEncoding encoding(Headers headers) throws MalformedFrameException {
    String name = FrameHeaders.text(headers, FrameHeaders.ENCODING);
    if (name == null) {
      throw new MalformedFrameException(Kind.HEADER, "missing header " + FrameHeaders.ENCODING);
    }
    try {
      return FrameEncoding.parse(name);
    } catch (IllegalArgumentException e) {
      throw new MalformedFrameException(Kind.HEADER, FrameHeaders.ENCODING + ": " + e.getMessage());
    }
  }

  private static long number(Headers headers, String name, boolean required)
      throws MalformedFrameException {
    String text = FrameHeaders.text(headers, name);
    if (text == null) {
      if (required) {
        throw new MalformedFrameException(Kind.HEADER, "missing header " + name);
      }
      return 0;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new MalformedFrameException(
          Kind.HEADER, "header " + name + " is not a whole number: '" + text + "'");
    }
  }

  /** The headers of a frame in {@code encoding}. */
  public static Headers headers(Frame frame, FrameEncoding encoding) {
    Headers headers = new RecordHeaders();
    headers.add(FrameHeaders.INDEX, FrameHeaders.bytes(frame.index()));
    headers.add(FrameHeaders.PTS, FrameHeaders.bytes(frame.ptsMicros()));
    headers.add(FrameHeaders.WIDTH, FrameHeaders.bytes(frame.width()));
    headers.add(FrameHeaders.HEIGHT, FrameHeaders.bytes(frame.height()));
    headers.add(FrameHeaders.ENCODING, FrameHeaders.bytes(encoding.header()));
    return headers;
  }

  /** A frame's pixels as a record value (JPEG at quality 0.95). */
  public static byte[] encode(Frame frame, FrameEncoding encoding) {
    if (encoding == FrameEncoding.RGB) {
      return frame.rgb();
    }
    BufferedImage image = toImage(frame);
    ByteArrayOutputStream out = new ByteArrayOutputStream(frame.rgb().length / 8 + 1024);
    try {
      ImageFiles.write(image, encoding == FrameEncoding.JPEG ? "jpeg" : "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + frame + " as " + encoding.header(), e);
    }
    return out.toByteArray();
  }

  /** Packed RGB of an image. */
  public static byte[] toRgb(BufferedImage image) {
    byte[] bgr =
        ((DataBufferByte) ImageTensors.asThreeByteBgr(image).getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[bgr.length];
    for (int i = 0; i < bgr.length; i += 3) {
      rgb[i] = bgr[i + 2];
      rgb[i + 1] = bgr[i + 1];
      rgb[i + 2] = bgr[i];
    }
    return rgb;
  }

  /** A frame's pixels as an image. */
  public static BufferedImage toImage(Frame frame) {
    BufferedImage image =
        new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    byte[] rgb = frame.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    return image;
  }
}
