package dev.restyle.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C (SIGINT) and SIGTERM for the commands that run long or until stopped ({@code video},
 * {@code stream}, {@code run}, {@code kafka}, {@code serve}, {@code train}), in one place:
 *
 * <ul>
 *   <li>the first signal runs the command's stop action (on a thread of its own: finish the frames
 *       in flight, complete the output) and starts a watchdog; the command then returns {@link
 *       #exitCode} 128 + the signal's number (130 for SIGINT, 143 for SIGTERM);
 *   <li>if the command has not returned within the shutdown timeout, or a second signal comes, the
 *       process exits at once with {@link ExitCodes#FORCED_STOP}, after the {@linkplain
 *       #onForcedExit forced-exit action} (e.g. deleting a partial output).
 * </ul>
 *
 * <p>The JVM's own handling (shutdown hooks) cannot do the second part: once a signal has started
 * the shutdown, the next one waits behind the running hooks. So while a command runs, the handlers
 * are replaced through {@code sun.misc.Signal} (module {@code jdk.unsupported}, reached by
 * reflection so that the build's warnings-as-errors allow it), and the JVM's handlers are put back
 * on {@link #close}. Where that API is missing or refused (e.g. under {@code -Xrs}), a shutdown
 * hook runs the stop action and waits at most the timeout instead.
 */
final class StopSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  private static final String[] SIGNALS = {"INT", "TERM"};

  private final String command;
  private final Duration timeout;
  private final Runnable stop;
  private final AtomicInteger signals = new AtomicInteger();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Map<String, Object> previous = new LinkedHashMap<>();
  private volatile int firstSignal;
  private volatile Runnable forcedExit = () -> {};
  private Thread hook;

  /** What the stop action does: may block; it runs on a thread of its own. */
  @FunctionalInterface
  interface StopAction {
    void stop() throws Exception;
  }

  private StopSignals(String command, Duration timeout, StopAction stop) {
    this.command = command;
    this.timeout = timeout;
    this.stop =
        () -> {
          try {
            stop.stop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception e) {
            LOG.warn("restyle {}: stopping failed: {}", command, e.toString());
            LOG.debug("stop action failed", e);
          }
        };
  }

  /**
   * Takes over Ctrl-C and SIGTERM until {@link #close}.
   *
   * @param command the subcommand's name, for messages
   * @param timeout how long the stop may take before the process quits anyway
   * @param stop asks the command to stop cleanly
   */
  static StopSignals install(String command, Duration timeout, StopAction stop) {
    Objects.requireNonNull(stop, "stop");
    StopSignals signals = new StopSignals(command, Objects.requireNonNull(timeout), stop);
    signals.takeOver();
    return signals;
  }

  /** What to do just before a forced exit (keep it short: the process is about to go). */
  void onForcedExit(Runnable action) {
    forcedExit = Objects.requireNonNull(action, "action");
  }

  /** Whether a signal asked the command to stop. */
  boolean signalled() {
    return firstSignal != 0;
  }

  /** {@code normal} if no signal came, else 128 + the number of the first signal. */
  int exitCode(int normal) {
    return signalled() ? ExitCodes.signalled(firstSignal) : normal;
  }

  /** The command has ended: the watchdog stands down and the JVM's handlers come back. */
  @Override
  public void close() {
    done.countDown();
    if (hook != null) {
      try {
        java.lang.Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and waits for this command
      }
    }
    previous.forEach(
        (name, handler) -> {
          try {
            SignalApi.handle(name, handler);
          } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot restore the handler of SIG{}", name, e);
          }
        });
    previous.clear();
  }

  private void takeOver() {
    if (SignalApi.AVAILABLE) {
      try {
        for (String name : SIGNALS) {
          previous.put(name, SignalApi.handle(name, SignalApi.handler(this::received)));
        }
        return;
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("cannot handle signals; falling back to a shutdown hook", e);
        close();
      }
    }
    hook =
        new Thread(
            () -> {
              stop.run();
              try {
                done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "restyle-" + command + "-shutdown");
    java.lang.Runtime.getRuntime().addShutdownHook(hook);
  }

  /** A signal came (on the JVM's signal thread: return quickly). */
  private void received(String name, int number) {
    if (done.getCount() == 0) {
      return;
    }
    if (signals.incrementAndGet() > 1) {
      System.err.printf("restyle %s: SIG%s again: quitting at once%n", command, name);
      quit();
      return;
    }
    firstSignal = number;
    System.err.printf(
        "restyle %s: SIG%s: finishing the frames in flight and completing the output (at most %s;"
            + " send it again to quit at once)%n",
        command, name, describe(timeout));
    Thread.ofPlatform().name("restyle-" + command + "-stop").daemon(true).start(stop);
    Thread.ofPlatform()
        .name("restyle-" + command + "-watchdog")
        .daemon(true)
        .start(
            () -> {
              try {
                if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                  System.err.printf(
                      "restyle %s: not stopped within %s (--shutdown-timeout): quitting, the"
                          + " output is incomplete%n",
                      command, describe(timeout));
                  quit();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  private void quit() {
    try {
      forcedExit.run();
    } catch (RuntimeException e) {
      LOG.debug("forced-exit action failed", e);
    }
    System.err.flush();
    System.out.flush();
    exitNow(ExitCodes.FORCED_STOP);
  }

  /** libc's {@code _exit}, as JNA (a dependency of DJL) reaches it. */
  private interface LibC extends Library {
    void _exit(int status);
  }

  /**
   * Ends the process without running anything more. {@code Runtime.halt} still calls libc's {@code
   * exit}, which runs libtorch's static destructors while an inference thread may be inside
   * libtorch: the process then aborts (status 134, seen once with a 1440p frame in the network)
   * instead of leaving with {@code status}. {@code _exit} runs nothing; halt is the fallback.
   */
  private static void exitNow(int status) {
    try {
      Native.load("c", LibC.class)._exit(status);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("no _exit through JNA: halting", e);
    }
    java.lang.Runtime.getRuntime().halt(status);
  }

  private static String describe(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  /** {@code sun.misc.Signal} and {@code sun.misc.SignalHandler}, through reflection. */
  private static final class SignalApi {
    private static final boolean AVAILABLE;
    private static final Class<?> HANDLER;
    private static final Constructor<?> SIGNAL;
    private static final Method HANDLE;
    private static final Method NAME;
    private static final Method NUMBER;

    static {
      Class<?> handler = null;
      Constructor<?> signal = null;
      Method handle = null;
      Method name = null;
      Method number = null;
      try {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        handler = Class.forName("sun.misc.SignalHandler");
        signal = signalClass.getConstructor(String.class);
        handle = signalClass.getMethod("handle", signalClass, handler);
        name = signalClass.getMethod("getName");
        number = signalClass.getMethod("getNumber");
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.debug("sun.misc.Signal is not available", e);
      }
      HANDLER = handler;
      SIGNAL = signal;
      HANDLE = handle;
      NAME = name;
      NUMBER = number;
      AVAILABLE = number != null;
    }

    /** What a signal's arrival calls. */
    @FunctionalInterface
    interface Receiver {
      void received(String name, int number);
    }

    /** A {@code sun.misc.SignalHandler} that calls {@code receiver}. */
    static Object handler(Receiver receiver) {
      return Proxy.newProxyInstance(
          StopSignals.class.getClassLoader(),
          new Class<?>[] {HANDLER},
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  receiver.received(
                      (String) NAME.invoke(args[0]), (Integer) NUMBER.invoke(args[0]));
                  yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "restyle stop handler";
                default -> throw new UnsupportedOperationException(method.getName());
              });
    }

    /** Installs {@code handler} for the signal and returns the one it replaces. */
    static Object handle(String name, Object handler) throws ReflectiveOperationException {
      try {
        return HANDLE.invoke(null, SIGNAL.newInstance(name), handler);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime; // e.g. IllegalArgumentException: the signal is in use by the VM
        }
        throw e;
      }
    }
  }
}
