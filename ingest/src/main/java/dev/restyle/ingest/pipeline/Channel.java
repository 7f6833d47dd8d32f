package dev.restyle.ingest.pipeline;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A bounded queue between two pipeline stages, with an end (the producer {@link #close closes} it;
 * the consumer drains what is left, then {@link #take} returns {@code null}) and an abort (any
 * stage's failure wakes every waiting thread with a {@link ChannelAbortedException}). What a full
 * queue does with one more item is its {@link OverflowPolicy}.
 *
 * @param <T> what it carries
 */
public final class Channel<T> {
  private final String name;
  private final int capacity;
  private final OverflowPolicy policy;
  private final Consumer<? super T> onDrop;
  private final ArrayDeque<T> items;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private boolean closed;
  private boolean cut;
  private Throwable abortCause;
  private long dropped;

  /**
   * A channel.
   *
   * @param name for messages and metrics
   * @param capacity the most items it holds
   * @param policy what {@link #put} does when it is full
   * @param onDrop told of each item the policy drops (under the channel's lock: keep it short)
   */
  public Channel(String name, int capacity, OverflowPolicy policy, Consumer<? super T> onDrop) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.name = Objects.requireNonNull(name, "name");
    this.capacity = capacity;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.onDrop = Objects.requireNonNull(onDrop, "onDrop");
    this.items = new ArrayDeque<>(capacity);
  }

  /** A channel that blocks when full. */
  public Channel(String name, int capacity) {
    this(name, capacity, OverflowPolicy.BLOCK, item -> {});
  }

  public String name() {
    return name;
  }

  public int capacity() {
    return capacity;
  }

  public OverflowPolicy policy() {
    return policy;
  }

  /**
   * Adds an item; when the channel is full, waits ({@link OverflowPolicy#BLOCK}) or drops one.
   *
   * @return false if the item itself was dropped ({@link OverflowPolicy#DROP_NEWEST}, or a channel
   *     that was {@linkplain #cut() cut})
   * @throws ChannelAbortedException if the channel is or gets aborted
   * @throws IllegalStateException if the channel was closed
   */
  public boolean put(T item) throws InterruptedException {
    Objects.requireNonNull(item, "item");
    lock.lockInterruptibly();
    try {
      if (cut && abortCause == null) {
        drop(item);
        return false;
      }
      checkOpen();
      if (items.size() >= capacity) {
        switch (policy) {
          case BLOCK -> {
            while (items.size() >= capacity) {
              notFull.await();
              if (cut && abortCause == null) {
                drop(item);
                return false;
              }
              checkOpen();
            }
          }
          case DROP_OLDEST -> drop(items.removeFirst());
          case DROP_NEWEST -> {
            drop(item);
            return false;
          }
        }
      }
      items.addLast(item);
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next item, waiting for one.
   *
   * @return the item, or {@code null} once the channel is closed and drained
   * @throws ChannelAbortedException if the channel is or gets aborted
   */
  public T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (true) {
        checkNotAborted();
        if (!items.isEmpty()) {
          return removeFirst();
        }
        if (closed) {
          return null;
        }
        notEmpty.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next item, waiting at most {@code timeout} for one (not at all if it is zero).
   *
   * @return the item, or {@code null} if none came in time or the channel is closed and drained
   *     (tell them apart with {@link #isDrained()})
   * @throws ChannelAbortedException if the channel is or gets aborted
   */
  public T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (true) {
        checkNotAborted();
        if (!items.isEmpty()) {
          return removeFirst();
        }
        if (closed || nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Marks the end of the stream: no more puts; consumers drain what is queued. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the stream early: what is queued is dropped (told to the drop callback, as the overflow
   * policy's drops are), and so is everything put from now on; the consumer sees the end of the
   * stream. Unlike {@link #abort} nobody fails: a producer may go on putting, a consumer ends as at
   * the natural end.
   */
  public void cut() {
    lock.lock();
    try {
      cut = true;
      closed = true;
      while (!items.isEmpty()) {
        drop(items.removeFirst());
      }
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Discards what is queued and wakes every waiting thread with a {@link ChannelAbortedException}.
   */
  public void abort(Throwable cause) {
    lock.lock();
    try {
      if (abortCause == null) {
        abortCause = Objects.requireNonNull(cause, "cause");
      }
      items.clear();
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the channel is closed and empty: the consumer has seen everything. */
  public boolean isDrained() {
    lock.lock();
    try {
      return closed && items.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** How many items are queued now. */
  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many items the overflow policy dropped. */
  public long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  private T removeFirst() {
    T item = items.removeFirst();
    notFull.signal();
    return item;
  }

  private void drop(T item) {
    dropped++;
    onDrop.accept(item);
  }

  private void checkNotAborted() {
    if (abortCause != null) {
      throw new ChannelAbortedException(name, abortCause);
    }
  }

  private void checkOpen() {
    checkNotAborted();
    if (closed) {
      throw new IllegalStateException("queue '" + name + "' is closed");
    }
  }

  @Override
  public String toString() {
    return "Channel[" + name + ", " + size() + "/" + capacity + ", " + policy + "]";
  }
}
