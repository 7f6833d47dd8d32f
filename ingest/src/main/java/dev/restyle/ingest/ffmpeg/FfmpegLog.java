package dev.restyle.ingest.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_DEBUG;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;

import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's log (which otherwise goes straight to stderr, through any progress bar) to the
 * SLF4J logger {@code ffmpeg}, along with JavaCPP's and JavaCV's own messages, and counts FFmpeg's
 * error messages.
 *
 * <p>FFmpeg's log is process-wide, but each message is logged on the thread that called into FFmpeg
 * (as long as that call does not hand work to FFmpeg's own threads, which is why {@link
 * dev.restyle.ingest.source.VideoFileSource} decodes on one thread), so {@link
 * #errorsOnThisThread()} attributes errors to the decoder or encoder that the calling thread runs.
 * FFmpeg errors map to SLF4J warnings (a damaged packet is worth knowing about, not fatal), FFmpeg
 * warnings to debug and FFmpeg's information to trace; FFmpeg is told to skip what would be
 * dropped.
 */
public final class FfmpegLog {
  private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
  private static final LongAdder ERRORS = new LongAdder();
  private static final ThreadLocal<long[]> THREAD_ERRORS =
      ThreadLocal.withInitial(() -> new long[1]);
  private static final ThreadLocal<String[]> THREAD_LAST_ERROR =
      ThreadLocal.withInitial(() -> new String[1]);

  /** The " @ 0x55d1c2a3b4c0" that FFmpeg puts after a component's name: noise in a report. */
  private static final Pattern ADDRESS = Pattern.compile(" @ 0x[0-9a-fA-F]+");

  private static volatile Bridge installed;

  private FfmpegLog() {}

  /** Installs the bridge (once per process; later calls do nothing). Call before using FFmpeg. */
  public static void install() {
    if (installed != null) {
      return;
    }
    synchronized (FfmpegLog.class) {
      if (installed == null) {
        // Read when JavaCPP first loads, which the Bridge class below triggers: set it before.
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
          System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        Bridge bridge = new Bridge();
        bridge.retainReference();
        avutil.av_log_set_level(
            LOG.isTraceEnabled()
                ? AV_LOG_INFO
                : LOG.isDebugEnabled() ? AV_LOG_WARNING : AV_LOG_ERROR);
        avutil.setLogCallback(bridge);
        installed = bridge;
      }
    }
  }

  /** FFmpeg error messages logged by any thread since the bridge was installed. */
  public static long errors() {
    return ERRORS.sum();
  }

  /** FFmpeg error messages logged on the calling thread since the bridge was installed. */
  public static long errorsOnThisThread() {
    return THREAD_ERRORS.get()[0];
  }

  /**
   * The text of the last FFmpeg error message logged on the calling thread (e.g. "[mov,mp4,...]
   * stream 0, offset 0x36f0: partial file"), without object addresses; empty if there was none.
   */
  public static String lastErrorOnThisThread() {
    String last = THREAD_LAST_ERROR.get()[0];
    return last == null ? "" : last;
  }

  /** The callback FFmpeg calls for each message. */
  private static final class Bridge extends LogCallback {
    @Override
    public void call(int level, BytePointer message) {
      String text = message == null ? "" : message.getString().strip();
      if (level <= AV_LOG_ERROR) {
        ERRORS.increment();
        THREAD_ERRORS.get()[0]++;
        THREAD_LAST_ERROR.get()[0] = ADDRESS.matcher(text).replaceAll("");
        LOG.warn("{}", text);
      } else if (level <= AV_LOG_WARNING) {
        LOG.debug("{}", text);
      } else if (level < AV_LOG_DEBUG) {
        LOG.trace("{}", text);
      }
    }
  }
}
