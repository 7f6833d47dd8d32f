package dev.restyle.ingest.inference;

import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.frame.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs each batch through a style network in one pass ({@link BatchStylizer}, on the network's
 * device), so each output frame equals {@link Stylizer#stylize(java.awt.image.BufferedImage,
 * StyleOptions)} of its input frame.
 *
 * <p>Thread-safe: it holds no state between calls, each pass allocates on an {@code NDManager} of
 * its own, and the network's parameters are only read, so several pipeline predictors may share one
 * processor (and one network).
 */
public final class StylizeProcessor implements BatchProcessor {
  private final BatchStylizer stylizer;
  private final StyleOptions options;

  public StylizeProcessor(BatchStylizer stylizer, StyleOptions options) {
    this.stylizer = Objects.requireNonNull(stylizer, "stylizer");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A processor for a network (which the caller keeps and closes). */
  public static StylizeProcessor of(StyleNetwork network, StyleOptions options) {
    return new StylizeProcessor(new BatchStylizer(new Stylizer(network)), options);
  }

  public StyleOptions options() {
    return options;
  }

  @Override
  public List<Frame> process(List<Frame> batch) {
    Frame first = batch.getFirst();
    List<byte[]> images = new ArrayList<>(batch.size());
    for (Frame frame : batch) {
      if (!frame.sameSize(first)) {
        throw new IllegalArgumentException(
            "a batch must hold frames of one size, got " + first + " and " + frame);
      }
      images.add(frame.rgb());
    }
    List<byte[]> stylised = stylizer.stylize(images, first.width(), first.height(), options);
    List<Frame> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      out.add(batch.get(i).withPixels(stylised.get(i)));
    }
    return out;
  }
}
