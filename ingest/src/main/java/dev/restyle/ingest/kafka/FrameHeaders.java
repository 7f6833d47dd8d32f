package dev.restyle.ingest.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The record headers of a frame. Values are UTF-8 text (decimal numbers), so any Kafka tool can
 * write and read them.
 */
public final class FrameHeaders {
  /** The frame's position in its stream, from 0. Required. */
  public static final String INDEX = "frame.index";

  /** Presentation timestamp in microseconds. Optional (0 when absent). */
  public static final String PTS = "frame.pts";

  /** Width in pixels. Required. */
  public static final String WIDTH = "frame.width";

  /** Height in pixels. Required. */
  public static final String HEIGHT = "frame.height";

  /** {@code jpeg}, {@code png} or {@code rgb} (see {@link FrameEncoding}). Required. */
  public static final String ENCODING = "frame.encoding";

  /** On a dead letter: why the record was refused. */
  public static final String DLQ_REASON = "dlq.reason";

  /**
   * On a dead letter: the kind of fault ({@code key}, {@code header}, {@code decode}, {@code
   * size}).
   */
  public static final String DLQ_KIND = "dlq.kind";

  /** On a dead letter: where the record came from, {@code topic-partition@offset}. */
  public static final String DLQ_SOURCE = "dlq.source";

  private FrameHeaders() {}

  /** The last value of a header as text, or {@code null} if absent. */
  public static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A header value as bytes. */
  public static byte[] bytes(Object value) {
    return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
  }

  /** Replaces (or adds) a header. */
  public static void put(Headers headers, String name, Object value) {
    headers.remove(name);
    headers.add(name, bytes(value));
  }
}
