package dev.restyle.serve.routes;

import dev.restyle.engine.image.ImageFiles;
import dev.restyle.engine.image.Resize;
import dev.restyle.engine.inference.BatchStylizer;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.serve.ServeConfig;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Params;
import dev.restyle.serve.http.Uploads;
import dev.restyle.serve.image.ImageProbe;
import dev.restyle.serve.image.OutputFormat;
import dev.restyle.serve.image.Rgb;
import dev.restyle.serve.image.WebpEncoder;
import dev.restyle.serve.inference.InferenceQueue;
import dev.restyle.serve.styles.StyleCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@code /api/styles} and {@code POST /api/stylize}. */
public final class ImageRoutes {
  /** libwebp's lossy quality for WebP answers (JPEG goes out at ImageIO quality 0.95). */
  static final int WEBP_QUALITY = 90;

  private final ServeConfig config;
  private final StyleCatalog styles;
  private final InferenceQueue queue;
  private final ErrorResponses errors;

  public ImageRoutes(
      ServeConfig config, StyleCatalog styles, InferenceQueue queue, ErrorResponses errors) {
    this.config = config;
    this.styles = styles;
    this.queue = queue;
    this.errors = errors;
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/styles", ctx -> ctx.json(Map.of("styles", styles.list())));
    routes.get("/api/styles/{name}", ctx -> ctx.json(styles.describe(ctx.pathParam("name"))));
    routes.get("/api/styles/{name}/thumbnail.jpg", this::thumbnail);
    routes.post("/api/stylize", this::stylize);
  }

  private void thumbnail(Context ctx) {
    CompletableFuture<byte[]> jpeg = styles.thumbnail(ctx.pathParam("name"));
    ctx.future(
        () ->
            jpeg.handle(
                (bytes, failure) -> {
                  if (failure != null) {
                    errors.write(ctx, failure);
                  } else {
                    ctx.contentType("image/jpeg")
                        .header("Cache-Control", "public, max-age=3600")
                        .result(bytes);
                  }
                  return null;
                }));
  }

  private void stylize(Context ctx) throws IOException {
    byte[] bytes = Uploads.bytes(ctx, "image", config.maxImageBytes(), "image");
    String style = Params.style(ctx);
    StyleOptions options = Params.options(ctx);
    Optional<Integer> maxSize = Params.integer(ctx, "max_size", 16, 16384);
    OutputFormat format =
        OutputFormat.negotiate(Uploads.param(ctx, "format"), ctx.header("Accept"));
    BatchStylizer stylizer = styles.stylizer(style);

    ImageProbe.Header header = ImageProbe.read(bytes);
    if (header.pixels() > config.maxInputPixels()) {
      throw ApiException.tooLarge(
          String.format(
              Locale.ROOT,
              "the image is %dx%d (%d pixels); this server decodes at most %d pixels",
              header.width(),
              header.height(),
              header.pixels(),
              config.maxInputPixels()));
    }
    BufferedImage image = ImageFiles.decode(bytes, config.maxInputPixels());
    if (maxSize.isPresent() && Math.max(image.getWidth(), image.getHeight()) > maxSize.get()) {
      image = Resize.longerSide(image, maxSize.get());
    }
    int width = image.getWidth();
    int height = image.getHeight();
    long pixels = (long) width * height;
    if (pixels > config.maxStylizePixels()) {
      int fits =
          (int)
              Math.floor(
                  Math.max(width, height) * Math.sqrt(config.maxStylizePixels() / (double) pixels));
      throw ApiException.tooLarge(
          String.format(
              Locale.ROOT,
              "the image is %dx%d (%d pixels); this server stylises at most %d pixels: pass"
                  + " max_size=%d (or less) to have it scaled down first",
              width,
              height,
              pixels,
              config.maxStylizePixels(),
              fits));
    }
    if (format == OutputFormat.WEBP && Math.max(width, height) > WebpEncoder.MAX_SIDE) {
      throw ApiException.tooLarge(
          String.format(
              Locale.ROOT,
              "the image is %dx%d; WebP holds at most %d pixels a side: pass max_size=%d or ask"
                  + " for format=png",
              width,
              height,
              WebpEncoder.MAX_SIDE,
              WebpEncoder.MAX_SIDE));
    }
    long start = System.nanoTime();
    CompletableFuture<byte[]> stylised =
        queue.submit(stylizer, Rgb.pack(image), width, height, options);
    ctx.future(
        () ->
            stylised.handle(
                (rgb, failure) -> {
                  if (failure != null) {
                    errors.write(ctx, failure);
                    return null;
                  }
                  byte[] encoded = encode(rgb, width, height, format);
                  ctx.contentType(format.mediaType())
                      .header("X-Restyle-Style", style)
                      .header("X-Restyle-Size", width + "x" + height)
                      .header(
                          "X-Restyle-Millis",
                          Long.toString((System.nanoTime() - start) / 1_000_000))
                      .header(
                          "Content-Disposition",
                          "inline; filename=\"restyled-" + style + "." + format.extension() + "\"")
                      .result(encoded);
                  return null;
                }));
  }

  private static byte[] encode(byte[] rgb, int width, int height, OutputFormat format) {
    if (format == OutputFormat.WEBP) {
      return WebpEncoder.encode(rgb, width, height, WEBP_QUALITY);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageFiles.write(Rgb.unpack(rgb, width, height), format.imageIoName(), out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
