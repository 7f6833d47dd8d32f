package dev.restyle.serve.inference;

/** The shared inference stage has as much work queued as it accepts: try again later (503). */
public final class QueueFullException extends RuntimeException {
  public QueueFullException(int capacity) {
    super(
        "the server is busy: "
            + capacity
            + " images are already waiting for the network; try again shortly");
  }
}
