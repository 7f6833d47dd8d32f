package dev.restyle.ingest.pipeline;

/**
 * Lets concurrent inference workers hand their batches on strictly in sequence: the worker holding
 * batch {@code k} waits until batches {@code 0..k-1} have been handed on. Each worker holds one
 * batch at a time, so at most as many batches as workers are in flight (memory stays bounded).
 *
 * <p>{@link #abort} wakes every waiting worker with a {@link ChannelAbortedException}, as an
 * aborted {@link Channel} does.
 */
final class Sequencer {
  private final Object takeLock = new Object();
  private long taken; // guarded by takeLock
  private long next;
  private Throwable aborted;

  /** Where numbered items come from. */
  interface Source<T> {
    T take() throws InterruptedException;
  }

  /**
   * Takes the next item from {@code source} and numbers it, atomically with respect to other
   * workers, so numbers follow the order items leave the source.
   *
   * @return the item (null at the end of the stream) and its number
   */
  <T> Numbered<T> take(Source<T> source) throws InterruptedException {
    // A lock of its own: a worker waiting here for the next batch must not stop another from
    // handing on a finished one.
    synchronized (takeLock) {
      T item = source.take();
      return new Numbered<>(taken++, item);
    }
  }

  /** An item with its place in the sequence. */
  record Numbered<T>(long number, T item) {}

  /** Waits until every item numbered below {@code number} has been {@linkplain #done done}. */
  void awaitTurn(long number) throws InterruptedException {
    synchronized (this) {
      while (next != number) {
        if (aborted != null) {
          throw new ChannelAbortedException("sequencer", aborted);
        }
        wait();
      }
      if (aborted != null) {
        throw new ChannelAbortedException("sequencer", aborted);
      }
    }
  }

  /** Marks item {@code number}, whose turn it was, as handed on. */
  synchronized void done(long number) {
    if (number != next) {
      throw new IllegalStateException("item " + number + " done out of turn; expected " + next);
    }
    next++;
    notifyAll();
  }

  /** Wakes and stops every waiting worker. */
  synchronized void abort(Throwable cause) {
    if (aborted == null) {
      aborted = cause;
    }
    notifyAll();
  }
}
