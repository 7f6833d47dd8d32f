package dev.restyle.ingest.kafka;

/** A record that is not a frame: it goes to the dead-letter topic with {@link #reason()}. */
public final class MalformedFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of fault; the tag of the dead-letter counter. */
  public enum Kind {
    /** No stream id in the key. */
    KEY,
    /** A header is missing or unreadable. */
    HEADER,
    /** The value does not decode as the encoding it claims. */
    DECODE,
    /** The decoded image is not the size the headers give. */
    SIZE
  }

  private final Kind kind;

  public MalformedFrameException(Kind kind, String reason) {
    super(reason);
    this.kind = kind;
  }

  public MalformedFrameException(Kind kind, String reason, Throwable cause) {
    super(reason, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The reason, one line, for the dead-letter header and the log. */
  public String reason() {
    return getMessage();
  }
}
