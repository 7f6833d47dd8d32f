package dev.restyle.ingest.live;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import dev.restyle.ingest.ffmpeg.FfmpegErrors;
import dev.restyle.ingest.ffmpeg.FfmpegLog;
import dev.restyle.ingest.ffmpeg.GrabbedImages;
import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.source.FrameSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live stream (an RTSP camera, an RTMP or HTTP feed) read with JavaCV's {@link
 * FFmpegFrameGrabber}, tuned for latency: no input buffering, a short probe, TCP transport for RTSP
 * by default, and a socket timeout so that a silent camera is noticed.
 *
 * <p>When the stream ends or fails (the camera drops, the server goes away, nothing arrives within
 * the timeout) the source reconnects with exponential {@link Backoff}, logging each attempt and
 * counting reconnects in {@value #RECONNECTS}; {@link #read} blocks meanwhile and the pipeline
 * simply waits. Timestamps stay monotonic across reconnects: the first frame of a new connection
 * follows the last frame before the outage by the time the outage lasted (at least one frame
 * interval), so an output shows the gap as a held frame rather than jumping back.
 *
 * <p>The stream ends (and {@link #read} returns {@code null}) only when {@link #stop} is called, or
 * with an {@link IOException} when the backoff's attempts are used up.
 */
public final class LiveSource implements FrameSource {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSource.class);

  /** Counter of successful reconnects, tagged {@code stream}. */
  public static final String RECONNECTS = "restyle.source.reconnects";

  /** Gauge: 1 while connected, 0 while reconnecting, tagged {@code stream}. */
  public static final String CONNECTED = "restyle.source.connected";

  /** Counter of outages (the stream lost, whether or not it came back), tagged {@code stream}. */
  public static final String OUTAGES = "restyle.source.outages";

  /** Counter of seconds spent without the stream, the outage under way included. */
  public static final String OUTAGE_SECONDS = "restyle.source.outage.seconds";

  private static final double FALLBACK_FRAME_RATE = 25;

  /**
   * How to reach the stream.
   *
   * @param transport RTSP transport, {@code tcp} (default: no loss, no reordering) or {@code udp}
   * @param timeout how long a read or connect may wait for data before the stream counts as lost
   * @param backoff how to retry
   * @param options further FFmpeg format options, set last (e.g. {@code probesize})
   */
  public record Settings(
      String transport, Duration timeout, Backoff backoff, Map<String, String> options) {
    public static final Settings DEFAULT =
        new Settings("tcp", Duration.ofSeconds(5), Backoff.DEFAULT, Map.of());

    public Settings {
      Objects.requireNonNull(backoff, "backoff");
      options = Map.copyOf(options);
      if (!"tcp".equals(transport) && !"udp".equals(transport)) {
        throw new IllegalArgumentException("transport must be tcp or udp, got '" + transport + "'");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
    }
  }

  private final String url;
  private final Settings settings;
  private final StreamInfo info;
  private final Counter reconnects;
  private final Counter outages;
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicLong outageNanos = new AtomicLong();
  private volatile long outageStart;
  private volatile boolean inOutage;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private FFmpegFrameGrabber grabber;
  private long index;
  private long decodeErrors;
  private long lastPts = Long.MIN_VALUE;
  private long lastFrameNanos;
  private long frameIntervalMicros;
  private boolean newConnection = true;
  private long ptsOffset;

  private LiveSource(
      String url, Settings settings, FFmpegFrameGrabber grabber, StreamInfo info, MeterRegistry r) {
    this.url = url;
    this.settings = settings;
    this.grabber = grabber;
    this.info = info;
    this.frameIntervalMicros = Math.round(1_000_000 / info.frameRate());
    this.reconnects =
        Counter.builder(RECONNECTS)
            .description("times a live source reconnected after losing its stream")
            .tag("stream", info.streamId())
            .register(r);
    this.outages =
        Counter.builder(OUTAGES)
            .description("times a live source lost its stream")
            .tag("stream", info.streamId())
            .register(r);
    connected.set(1);
    Gauge.builder(CONNECTED, connected, AtomicInteger::get)
        .description("1 while a live source is connected, 0 while it reconnects")
        .tag("stream", info.streamId())
        .register(r);
    FunctionCounter.builder(OUTAGE_SECONDS, this, LiveSource::outageSeconds)
        .description("seconds a live source spent without its stream, the current outage included")
        .baseUnit("seconds")
        .tag("stream", info.streamId())
        .register(r);
  }

  /** Seconds without the stream so far, the outage under way (if any) included. */
  public double outageSeconds() {
    long ongoing = inOutage ? System.nanoTime() - outageStart : 0;
    return (outageNanos.get() + ongoing) / 1e9;
  }

  /** Outages so far (streams lost, whether or not they came back). */
  public long outages() {
    return (long) outages.count();
  }

  /**
   * Connects to a stream, retrying per the backoff until it answers.
   *
   * @param url e.g. {@code rtsp://camera.local/stream1}
   * @param streamId the id its frames carry
   * @throws IOException if the backoff's attempts are used up without a connection
   * @throws InterruptedException if interrupted while waiting to retry
   */
  public static LiveSource open(
      String url, String streamId, Settings settings, MeterRegistry registry)
      throws IOException, InterruptedException {
    FfmpegLog.install();
    FFmpegFrameGrabber grabber = connect(url, settings, null, null);
    double frameRate = grabber.getFrameRate();
    if (!(frameRate > 0) || frameRate > 240) {
      LOG.info("{} declares no usable frame rate ({}); assuming {} fps", url, frameRate, 25);
      frameRate = FALLBACK_FRAME_RATE;
    }
    StreamInfo info =
        new StreamInfo(
            streamId,
            grabber.getImageWidth(),
            grabber.getImageHeight(),
            frameRate,
            -1,
            -1,
            grabber.getVideoCodecName() == null ? "unknown" : grabber.getVideoCodecName(),
            Optional.empty(),
            0);
    LOG.info(
        "connected to {}: {}x{} {} at {} fps",
        redact(url),
        info.width(),
        info.height(),
        info.videoCodec(),
        frameRate);
    return new LiveSource(url, settings, grabber, info, registry);
  }

  /**
   * Tries to connect until it succeeds, the attempts run out or the source is stopped. Failed
   * attempts are warnings at start-up; during an outage (when {@code failed} counts them) they are
   * debug lines, since the outage itself was one warning.
   *
   * @param failed where to count failed attempts during an outage; null at start-up
   * @return the started grabber, or null if stopped
   */
  private static FFmpegFrameGrabber connect(
      String url, Settings settings, CountDownLatch stop, AtomicInteger failed)
      throws IOException, InterruptedException {
    int failures = 0;
    while (true) {
      if (stop != null && stop.getCount() == 0) {
        return null;
      }
      FFmpegFrameGrabber grabber = grabber(url, settings);
      try {
        grabber.start();
        if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
          throw new IOException(redact(url) + " has no video stream");
        }
        return grabber;
      } catch (IOException e) {
        release(grabber);
        failures++;
        if (failed != null) {
          failed.incrementAndGet();
        }
        String why =
            e instanceof FrameGrabber.Exception ? FfmpegErrors.describe(e) : e.getMessage();
        if (!settings.backoff().allows(failures)) {
          throw new IOException(
              "cannot reach " + redact(url) + " after " + failures + " attempts: " + why, e);
        }
        Duration wait = settings.backoff().delay(failures);
        String format = "cannot reach {} (attempt {}): {}; retrying in {} ms";
        if (failed == null) {
          LOG.warn(format, redact(url), failures, why, wait.toMillis());
        } else {
          LOG.debug(format, redact(url), failures, why, wait.toMillis());
        }
        if (stop == null) {
          Thread.sleep(wait);
        } else if (stop.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
          return null;
        }
      }
    }
  }

  private static FFmpegFrameGrabber grabber(String url, Settings settings) {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url);
    grabber.setPixelFormat(AV_PIX_FMT_RGB24);
    grabber.setVideoOption("threads", "1");
    String micros = Long.toString(settings.timeout().toNanos() / 1000);
    String scheme = scheme(url);
    if (scheme.equals("rtsp") || scheme.equals("rtsps")) {
      grabber.setOption("rtsp_transport", settings.transport());
      grabber.setOption("timeout", micros); // socket I/O timeout (FFmpeg 5 and later)
    } else {
      grabber.setOption("rw_timeout", micros);
    }
    grabber.setOption("fflags", "nobuffer");
    grabber.setOption("flags", "low_delay");
    grabber.setOption("probesize", "500000");
    grabber.setOption("analyzeduration", "1000000");
    grabber.setOption("max_delay", "500000");
    settings.options().forEach(grabber::setOption);
    return grabber;
  }

  private static String scheme(String url) {
    int colon = url.indexOf(':');
    return colon > 0 ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
  }

  /** The URL without user and password, for logs. */
  static String redact(String url) {
    return url.replaceFirst("://[^/@]*@", "://***@");
  }

  @Override
  public StreamInfo info() {
    return info;
  }

  /** Reconnects so far. */
  public long reconnects() {
    return (long) reconnects.count();
  }

  /**
   * Ends the stream: {@link #read} returns {@code null} once the read in progress (if any)
   * completes, at most the timeout later. Safe from any thread.
   */
  @Override
  public void stop() {
    stopped.countDown();
  }

  @Override
  public Frame read() throws IOException {
    while (stopped.getCount() > 0) {
      if (grabber == null && !reconnect()) {
        return null;
      }
      org.bytedeco.javacv.Frame grabbed;
      try {
        grabbed = grabber.grabImage();
      } catch (FrameGrabber.Exception e) {
        decodeErrors++;
        lost("read failed: " + FfmpegErrors.describe(e));
        continue;
      }
      if (grabbed == null || grabbed.image == null) {
        lost("the stream ended");
        continue;
      }
      long now = System.nanoTime();
      // The first frame of a new connection (not the first of all) starts afresh: the picture may
      // have moved on during the outage.
      boolean resumed = newConnection && lastPts != Long.MIN_VALUE;
      return new Frame(
          info.streamId(),
          index++,
          timestamp(grabbed.timestamp, now),
          grabbed.imageWidth,
          grabbed.imageHeight,
          GrabbedImages.packedRgb(grabbed),
          now,
          resumed);
    }
    return null;
  }

  /**
   * The output timestamp of a frame: the stream's own clock within a connection, shifted so that
   * each connection continues where the last one ended (plus the outage's length).
   */
  private long timestamp(long pts, long nowNanos) {
    if (newConnection) {
      newConnection = false;
      if (lastPts == Long.MIN_VALUE) {
        ptsOffset = -pts;
      } else {
        long gap = Math.max(frameIntervalMicros, (nowNanos - lastFrameNanos) / 1000);
        ptsOffset = lastPts + gap - pts;
      }
    }
    long out = pts + ptsOffset;
    if (out <= lastPts) {
      out = lastPts + 1; // a stream clock that steps back must not make the output do so
    }
    lastPts = out;
    lastFrameNanos = nowNanos;
    return out;
  }

  private void lost(String why) {
    outageStart = System.nanoTime();
    inOutage = true;
    connected.set(0);
    outages.increment();
    LOG.warn(
        "lost {} after frame {}: {}; reconnecting with backoff ({} ms first, up to {} ms)",
        redact(url),
        index,
        why,
        settings.backoff().delay(1).toMillis(),
        settings.backoff().max().toMillis());
    release(grabber);
    grabber = null;
  }

  /** Ends the outage under way (if any): adds its length to the total and returns it. */
  private Duration endOutage() {
    if (!inOutage) {
      return Duration.ZERO;
    }
    long nanos = System.nanoTime() - outageStart;
    outageNanos.addAndGet(nanos);
    inOutage = false;
    return Duration.ofNanos(nanos);
  }

  /** Connects again; false if stopped meanwhile. */
  private boolean reconnect() throws IOException {
    AtomicInteger failed = new AtomicInteger();
    try {
      // The first attempt waits as a retry would: a camera that just dropped rarely answers at
      // once, and a server that refuses at once must not be hammered.
      Duration first = settings.backoff().delay(1);
      if (stopped.await(first.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      LOG.debug("reconnecting to {}", redact(url));
      grabber = connect(url, settings, stopped, failed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reconnecting to " + redact(url), e);
    }
    if (grabber == null) {
      return false;
    }
    newConnection = true;
    Duration outage = endOutage();
    connected.set(1);
    reconnects.increment();
    LOG.info(
        "reconnected to {} after an outage of {} ms ({} failed attempts; {} outages, {} s without"
            + " the stream so far)",
        redact(url),
        outage.toMillis(),
        failed.get(),
        outages(),
        String.format(Locale.ROOT, "%.1f", outageSeconds()));
    return true;
  }

  @Override
  public long decodeErrors() {
    return decodeErrors;
  }

  @Override
  public void close() {
    stop();
    endOutage();
    connected.set(0);
    if (grabber != null) {
      release(grabber);
      grabber = null;
    }
  }

  private static void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      LOG.debug("cannot release the grabber", e);
    }
  }
}
