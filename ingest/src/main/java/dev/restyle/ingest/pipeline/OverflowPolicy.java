package dev.restyle.ingest.pipeline;

/** What a full {@link Channel} does with one more item. */
public enum OverflowPolicy {
  /** The producer waits for room (backpressure); nothing is lost. For files. */
  BLOCK,
  /** The oldest queued item is dropped to make room. For live sources that must stay current. */
  DROP_OLDEST,
  /** The new item is dropped. For live sources where the queued backlog matters more. */
  DROP_NEWEST
}
