package dev.restyle.ingest.temporal;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_core.setNumThreads;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.WARP_RELATIVE_MAP;
import static org.bytedeco.opencv.global.opencv_imgproc.blendLinear;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.restyle.ingest.frame.Frame;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steadies stylised video, stream by stream: each stylised frame is blended with the previous
 * output frame of its stream, warped onto it along the optical flow of the input frames, wherever
 * that flow is reliable. A feed-forward network paints each frame on its own, so camera noise and
 * small motions move its strokes from frame to frame (flicker); carried along the motion, the
 * previous output holds them in place.
 *
 * <p>Per frame of a stream that has a previous frame:
 *
 * <ol>
 *   <li>DIS optical flow ({@link DisFlow}) between the grey input frames, scaled down by the
 *       smallest whole factor that brings them to {@link TemporalSettings#flowWidth()} or less, in
 *       both directions;
 *   <li>a reliability mask ({@link Reliability}): the forward-backward check (occlusions, new
 *       content) and a photometric check (a moving object's wake, a wrong flow); shrunk by one
 *       pixel and softened;
 *   <li>if less than {@link TemporalSettings#cutShare()} of the pixels are reliable, a scene cut:
 *       the stylised frame goes out as it is and the stream starts afresh;
 *   <li>otherwise the previous output frame is warped onto the current one ({@code remap} along the
 *       upsampled backward flow) and blended: {@code out = s + blend * weight * (warped - s)} with
 *       {@code s} the stylised frame and {@code weight} the mask (0 to 1).
 * </ol>
 *
 * <p>A stream also starts afresh ({@link Reset}) when its source marks a frame as a {@linkplain
 * Frame#discontinuity() discontinuity} (a reconnect), when the frame size changes and when the
 * frame index does not follow on. The output of a stream's first frame, and of a reset, is the
 * stylised frame unchanged. At most {@link TemporalSettings#maxStreams()} streams are held; the
 * least recently seen is forgotten beyond that.
 *
 * <p>Not thread-safe: one thread calls {@link #stabilise} with each stream's frames in order (the
 * pipeline's temporal stage), and closes it.
 */
public final class TemporalStabilizer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalStabilizer.class);

  /** Frames whose flow image would be smaller than this on a side pass unstabilised. */
  static final int MIN_FLOW_SIDE = 16;

  private final TemporalSettings settings;
  private final TemporalMetrics metrics;
  private final LinkedHashMap<String, StreamState> streams = new LinkedHashMap<>(16, 0.75f, true);
  private final Set<String> tooSmall = new HashSet<>();
  private final OpticalFlow flow;
  private final Reliability reliability = new Reliability();
  private final SampleMaps maps = new SampleMaps();
  private final Mat input = new Mat();
  private final Mat backward = new Mat();
  private final Mat forward = new Mat();
  private final Mat mask = new Mat();
  private final Mat warped = new Mat();
  private final Mat map = new Mat();
  private final Mat weightsSmall = new Mat();
  private final Mat carriedSmall = new Mat();
  private final Mat carriedWeights = new Mat();
  private final Mat freshWeights = new Mat();
  private final Mat current = new Mat();

  /**
   * Where the next output frame is made: the output matrix of a stream's state that was replaced,
   * reused so that a frame's output is not copied into a fresh matrix again for the next frame.
   */
  private Mat spare = new Mat();

  private volatile int held;
  private boolean closed;

  /**
   * What is kept of a stream between frames: its last input frame at the flow's size, in colour and
   * grey, and its last output frame ({@code CV_8UC3} at full size).
   */
  private record StreamState(int width, int height, long index, Mat small, Mat grey, Mat output)
      implements AutoCloseable {
    @Override
    public void close() {
      small.close();
      grey.close();
      output.close();
    }
  }

  /**
   * A stabiliser.
   *
   * @param settings must be {@linkplain TemporalSettings#enabled() enabled}
   * @param registry where the meters go ({@link TemporalMetrics})
   * @param streamTag the {@code stream} tag of the meters (the pipeline's stream id)
   */
  public TemporalStabilizer(TemporalSettings settings, MeterRegistry registry, String streamTag) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (!settings.enabled()) {
      throw new IllegalArgumentException("temporal stabilisation is off in these settings");
    }
    this.metrics = new TemporalMetrics(registry, streamTag, () -> held);
    this.flow = new DisFlow(settings.preset());
    // The stabiliser is one stage of a pipeline whose network, decoder and encoder hold the cores;
    // OpenCV's pool fanning each small operation out over them only gets in their way (2 cores,
    // mosaic_fast at 640x480: 28.5-33.3 frames/s with the pool, 32.3-34.2 without). Process-wide.
    setNumThreads(1);
  }

  public TemporalMetrics metrics() {
    return metrics;
  }

  public TemporalSettings settings() {
    return settings;
  }

  /**
   * The output frame for a stylised frame: steadied against its stream's previous output.
   *
   * @param source the input frame the network was given
   * @param stylised the network's frame for it (same stream, index and size)
   * @return a frame like {@code stylised} (same stream, index, timestamp), with steadied pixels
   */
  public Frame stabilise(Frame source, Frame stylised) {
    if (closed) {
      throw new IllegalStateException("the stabiliser is closed");
    }
    if (!source.streamId().equals(stylised.streamId())
        || source.index() != stylised.index()
        || !source.sameSize(stylised)) {
      throw new IllegalArgumentException(
          "the stylised frame " + stylised + " is not the one for " + source);
    }
    long start = System.nanoTime();
    int width = source.width();
    int height = source.height();
    // Scaled down by a whole factor of the width (640x480 by 4 to 160x120 with the default width).
    // Where the factor does not divide the frame (1000 / 7), OpenCV's area resize leaves its fast
    // path; shrinking whole blocks of a crop instead raised the flicker left, so the resize stays
    // (docs/temporal.md, seventh run).
    int factor = Math.ceilDiv(width, settings.flowWidth());
    int flowWidth = width / factor;
    int flowHeight = height / factor;
    if (flowWidth < MIN_FLOW_SIDE || flowHeight < MIN_FLOW_SIDE) {
      if (tooSmall.add(source.streamId())) {
        LOG.warn(
            "{}: frames of {}x{} are too small for optical flow; passed on unstabilised",
            source.streamId(),
            width,
            height);
      }
      metrics.frame(System.nanoTime() - start, 0);
      return stylised;
    }
    StreamState state = streams.get(source.streamId());
    Reset reason = null;
    if (state != null) {
      if (source.discontinuity()) {
        reason = Reset.RECONNECT;
      } else if (state.width() != width || state.height() != height) {
        reason = Reset.SIZE;
      } else if (source.index() <= state.index()) {
        reason = Reset.ORDER;
      }
    }
    Mat small =
        Images.small(
            Images.rgb(source.rgb(), width, height, input), flowWidth, flowHeight, new Mat());
    Mat grey = Images.grey(small, new Mat());
    byte[] out = null;
    double carried = 0;
    if (state != null && reason == null) {
      long flowStart = System.nanoTime();
      flow.between(grey, state.grey(), backward);
      flow.between(state.grey(), grey, forward);
      metrics.flow(System.nanoTime() - flowStart);
      double share =
          reliability.of(
              backward,
              forward,
              state.small(),
              small,
              settings.tolerance() * flowWidth / width,
              settings.photometric(),
              mask);
      if (share < settings.cutShare()) {
        reason = Reset.CUT;
        LOG.debug(
            "{} #{}: scene cut ({} of pixels followed); starting afresh",
            source.streamId(),
            source.index(),
            String.format("%.1f%%", 100 * share));
      } else {
        Reliability.softened(mask, weightsSmall);
        out = blend(state.output(), stylised.rgb(), width, height);
        carried = mean(weightsSmall).get(0);
      }
    }
    if (reason != null) {
      metrics.reset(reason);
      if (reason != Reset.CUT) {
        LOG.debug("{} #{}: {}; starting afresh", source.streamId(), source.index(), reason.label());
      }
    }
    if (out == null) {
      Images.rgb(stylised.rgb(), width, height, spare);
    }
    remember(source.streamId(), new StreamState(width, height, source.index(), small, grey, spare));
    metrics.frame(System.nanoTime() - start, carried);
    return out == null ? stylised : stylised.withPixels(out);
  }

  /**
   * {@code stylised + blend * weight * (warped previous - stylised)}, per pixel and channel, with
   * the backward flow and the softened weights at the flow's size, into {@link #spare}.
   */
  private byte[] blend(Mat previous, byte[] stylised, int width, int height) {
    maps.offsets(backward, width, height, map);
    try (Mat none = new Mat();
        Scalar border = new Scalar(0)) {
      remap(
          previous, warped, map, none, INTER_LINEAR | WARP_RELATIVE_MAP, BORDER_REPLICATE, border);
    }
    // One native pass: out = a * warped + (1 - a) * stylised with a = blend * weight, rounded; a
    // scaled at the flow's size, then resized bilinearly (the same, both being linear).
    weightsSmall.convertTo(carriedSmall, CV_32FC1, settings.blend(), 0);
    try (Size size = new Size(width, height)) {
      resize(carriedSmall, carriedWeights, size, 0, 0, INTER_LINEAR);
    }
    carriedWeights.convertTo(freshWeights, CV_32FC1, -1, 1);
    blendLinear(
        warped, Images.rgb(stylised, width, height, current), carriedWeights, freshWeights, spare);
    return Images.bytes(spare);
  }

  private void remember(String streamId, StreamState state) {
    StreamState old = streams.put(streamId, state);
    if (old != null) {
      // its output matrix is where the next frame's output goes
      old.small().close();
      old.grey().close();
      spare = old.output();
    } else {
      spare = new Mat();
    }
    Iterator<Map.Entry<String, StreamState>> eldest = streams.entrySet().iterator();
    while (streams.size() > settings.maxStreams()) {
      Map.Entry<String, StreamState> e = eldest.next();
      e.getValue().close();
      eldest.remove();
      metrics.evicted();
      LOG.debug("{}: forgotten (more than {} streams)", e.getKey(), settings.maxStreams());
    }
    held = streams.size();
  }

  /** Forgets every stream and frees the native memory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    streams.values().forEach(StreamState::close);
    streams.clear();
    held = 0;
    flow.close();
    reliability.close();
    maps.close();
    for (Mat m :
        new Mat[] {
          input,
          backward,
          forward,
          mask,
          warped,
          map,
          weightsSmall,
          carriedSmall,
          carriedWeights,
          freshWeights,
          current,
          spare
        }) {
      m.close();
    }
  }
}
