package dev.restyle.serve.preview;

import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.pipelines.ManagedPipeline;
import dev.restyle.serve.pipelines.PipelineManager;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/pipelines/{id}/preview.mjpeg}: the pipeline's latest stylised frames as a {@code
 * multipart/x-mixed-replace} stream of JPEGs, at most {@link #FPS} a second, while the pipeline
 * runs. Nothing queues up: each part is the newest frame when it is sent, written straight to the
 * connection, and a slow viewer simply sees fewer frames. The response ends when the pipeline ends;
 * a viewer that goes away is noticed at the next write (at least every {@link #KEEP_ALIVE_MS}).
 * Meters: {@code restyle.serve.preview.viewers} (gauge), {@code restyle.serve.preview.parts} (JPEG
 * parts sent).
 */
public final class PreviewRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(PreviewRoutes.class);

  /** Most parts a second a viewer gets. */
  static final int FPS = 5;

  /** Most viewers at once, over all pipelines: each holds a server thread. */
  static final int MAX_VIEWERS = 16;

  /** With no new frame, the last one is sent again this often, to notice a viewer gone. */
  static final long KEEP_ALIVE_MS = 2_000;

  static final String BOUNDARY = "restyle-preview-frame";

  private final PipelineManager manager;
  private final AtomicInteger viewers = new AtomicInteger();
  private final Counter parts;

  public PreviewRoutes(PipelineManager manager, MeterRegistry registry) {
    this.manager = manager;
    Gauge.builder("restyle.serve.preview.viewers", viewers, AtomicInteger::get)
        .description("live preview streams open now")
        .register(registry);
    this.parts =
        Counter.builder("restyle.serve.preview.parts")
            .description("JPEG parts sent to live preview viewers")
            .register(registry);
  }

  public void register(RoutesConfig routes) {
    routes.get("/api/pipelines/{id}/preview.mjpeg", this::preview);
  }

  private void preview(Context ctx) throws IOException, InterruptedException {
    ManagedPipeline p = manager.get(ctx.pathParam("id")); // 404 for an unknown id
    if (p.state().finished()) {
      throw new ApiException(
          409,
          "pipeline "
              + p.id()
              + " is "
              + p.state().name().toLowerCase(Locale.ROOT)
              + ": a preview shows running pipelines only");
    }
    if (viewers.incrementAndGet() > MAX_VIEWERS) {
      viewers.decrementAndGet();
      throw new ApiException(
          503, "too many preview viewers (at most " + MAX_VIEWERS + "); try again later");
    }
    try {
      ctx.status(200);
      ctx.res().setContentType("multipart/x-mixed-replace; boundary=" + BOUNDARY);
      ctx.res().setHeader("Cache-Control", "no-cache, no-store");
      OutputStream out = ctx.res().getOutputStream();
      int sent = stream(p, out);
      LOG.debug("preview of pipeline {} ended after {} parts", p.id(), sent);
    } catch (IOException e) {
      LOG.debug("preview viewer of pipeline {} went away: {}", p.id(), e.toString());
    } finally {
      viewers.decrementAndGet();
    }
  }

  /** Sends parts until the pipeline ends; throws when the viewer goes away. */
  private int stream(ManagedPipeline p, OutputStream out) throws IOException, InterruptedException {
    LatestFrame latest = p.latestFrame();
    long period = 1_000 / FPS;
    long lastSequence = 0;
    long lastSent = System.nanoTime();
    int sent = 0;
    while (true) {
      boolean ended = p.state().finished();
      long now = System.nanoTime();
      boolean stale = (now - lastSent) / 1_000_000 >= KEEP_ALIVE_MS;
      if (latest.sequence() != lastSequence || (stale && lastSequence != 0)) {
        Optional<LatestFrame.Jpeg> jpeg = latest.jpeg();
        if (jpeg.isPresent()) {
          writePart(out, jpeg.get().bytes());
          parts.increment();
          sent++;
          lastSequence = jpeg.get().sequence();
          lastSent = now;
        }
      }
      if (ended) { // the last frame went out above
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return sent;
      }
      Thread.sleep(period);
    }
  }

  private static void writePart(OutputStream out, byte[] jpeg) throws IOException {
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
            + jpeg.length
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(jpeg);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
