package dev.restyle.serve.styles;

import ai.djl.Device;
import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.network.StyleNetwork;
import dev.restyle.engine.registry.StyleEntry;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.engine.stylize.Stylizer;
import dev.restyle.ingest.sample.SampleClip;
import dev.restyle.serve.image.Rgb;
import dev.restyle.serve.inference.InferenceQueue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The styles the service offers: the {@link StyleRegistry}'s entries, each network loaded (and its
 * hash verified) on first use and kept, and a thumbnail per style, the sample clip's first frame
 * drawn through that style by the shared inference stage, rendered once and cached.
 */
public final class StyleCatalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StyleCatalog.class);
  static final SampleClip.Spec THUMBNAIL = new SampleClip.Spec(192, 144, 15, 45, 44_100);

  private final StyleRegistry registry;
  private final Device device;
  private final InferenceQueue queue;
  private final Map<String, StyleNetwork> networks = new ConcurrentHashMap<>();
  private final Map<String, BatchStylizer> stylizers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<byte[]>> thumbnails = new ConcurrentHashMap<>();
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();

  public StyleCatalog(StyleRegistry registry, Device device, InferenceQueue queue) {
    this.registry = registry;
    this.device = device;
    this.queue = queue;
  }

  /**
   * What a client is told about a style.
   *
   * @param available false once its network file has been refused (then {@code problem} says why)
   */
  public record StyleInfo(
      String name,
      String description,
      String origin,
      String thumbnail,
      boolean available,
      String problem) {}

  public List<StyleInfo> list() {
    return registry.list().stream().map(this::info).toList();
  }

  /**
   * @throws dev.restyle.engine.registry.UnknownStyleException for an unknown name
   */
  public StyleInfo describe(String name) {
    return info(registry.find(name));
  }

  private StyleInfo info(StyleEntry e) {
    String description = e.description().isBlank() ? "a user style" : e.description();
    return new StyleInfo(
        e.name(),
        description,
        e.origin().name().toLowerCase(java.util.Locale.ROOT),
        "/api/styles/" + e.name() + "/thumbnail.jpg",
        !unavailable.containsKey(e.name()),
        unavailable.get(e.name()));
  }

  /**
   * The style's network, loaded and verified on first use. A file that fails to load or verify is
   * refused once and remembered (the style is listed as unavailable until the server restarts).
   *
   * @throws dev.restyle.engine.registry.UnknownStyleException for an unknown name
   * @throws StyleUnavailableException if the style's file was refused
   */
  public BatchStylizer stylizer(String name) {
    registry.find(name);
    String problem = unavailable.get(name);
    if (problem != null) {
      throw new StyleUnavailableException(name, problem);
    }
    return stylizers.computeIfAbsent(
        name,
        n -> {
          try {
            long start = System.nanoTime();
            StyleNetwork network = registry.load(n).toNetwork(device);
            networks.put(n, network);
            LOG.info("loaded style {} in {} ms", n, (System.nanoTime() - start) / 1_000_000);
            return new BatchStylizer(new Stylizer(network));
          } catch (IOException | RuntimeException e) {
            String reason = "its network file is refused (" + e.getMessage() + ")";
            unavailable.put(n, reason);
            LOG.error("style {} is unavailable: {}", n, reason);
            throw new StyleUnavailableException(n, reason);
          }
        });
  }

  /** The style's thumbnail as JPEG, rendered through the shared queue once. */
  public CompletableFuture<byte[]> thumbnail(String name) {
    BatchStylizer stylizer = stylizer(name);
    return thumbnails.computeIfAbsent(
        name,
        n -> {
          BufferedImage sample = SampleClip.frame(THUMBNAIL, 10);
          int w = sample.getWidth();
          int h = sample.getHeight();
          CompletableFuture<byte[]> jpeg =
              queue
                  .submitUnbounded(stylizer, Rgb.pack(sample), w, h, StyleOptions.DEFAULT)
                  .thenApply(rgb -> encodeJpeg(Rgb.unpack(rgb, w, h)));
          jpeg.whenComplete(
              (bytes, failure) -> {
                if (failure != null) {
                  thumbnails.remove(n); // try again on the next request
                }
              });
          return jpeg;
        });
  }

  private static byte[] encodeJpeg(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageFiles.write(image, "jpeg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    networks.values().forEach(StyleNetwork::close);
    networks.clear();
    stylizers.clear();
  }
}
