package dev.restyle.serve;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restyle.engine.registry.StyleEntry;
import dev.restyle.engine.registry.StyleRegistry;
import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.serve.http.HttpMetrics;
import dev.restyle.serve.http.JsonErrorHandler;
import dev.restyle.serve.http.RateLimiter;
import dev.restyle.serve.inference.InferenceQueue;
import dev.restyle.serve.pipelines.KafkaKind;
import dev.restyle.serve.pipelines.PipelineKind;
import dev.restyle.serve.pipelines.PipelineManager;
import dev.restyle.serve.pipelines.RtspKind;
import dev.restyle.serve.pipelines.VideoUploadKind;
import dev.restyle.serve.preview.PreviewRoutes;
import dev.restyle.serve.routes.ErrorResponses;
import dev.restyle.serve.routes.ImageRoutes;
import dev.restyle.serve.routes.OpsRoutes;
import dev.restyle.serve.routes.PipelineRoutes;
import dev.restyle.serve.styles.StyleCatalog;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restyle HTTP service: JSON API, web page, video jobs and pipelines, Prometheus metrics and
 * health, on Javalin (Jetty). Every image and every pipeline frame goes through one shared, batched
 * {@link InferenceQueue}.
 */
public final class RestyleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestyleServer.class);

  private final ServeConfig config;
  private final PrometheusMeterRegistry registry;
  private final InferenceQueue queue;
  private final StyleCatalog styles;
  private final PipelineManager pipelines;
  private final StyleRegistry styleRegistry;
  private final Javalin app;
  private volatile String notReady = "warming up: loading a style and running a first image";
  private JvmGcMetrics gcMetrics;

  private RestyleServer(Builder b) throws IOException {
    this.config = b.config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    this.styleRegistry = b.styles;
    Device device = Engine.getInstance().defaultDevice();
    this.queue =
        new InferenceQueue(config.maxBatch(), config.maxWait(), config.queueCapacity(), registry);
    this.styles = new StyleCatalog(b.styles, device, queue);
    Path work = Files.createDirectories(config.workDirectory());
    this.pipelines =
        new PipelineManager(
            b.kinds,
            work.resolve("pipelines"),
            styles,
            queue,
            config.maxBatch(),
            config.maxRunningPipelines(),
            config.maxRetainedPipelines(),
            registry);
    Path uploads = Files.createDirectories(work.resolve("uploads"));
    ErrorResponses errors = new ErrorResponses();
    HttpMetrics httpMetrics = new HttpMetrics(registry);
    RateLimiter rateLimiter = new RateLimiter(config.rateLimit(), registry);
    ImageRoutes images = new ImageRoutes(config, styles, queue, errors);
    PipelineRoutes pipelineRoutes = new PipelineRoutes(config, pipelines);
    PreviewRoutes previewRoutes = new PreviewRoutes(pipelines, registry);
    OpsRoutes ops = new OpsRoutes(queue, () -> notReady, registry);
    this.app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.jsonMapper(new JavalinJackson(new ObjectMapper(), false));
              c.http.maxRequestSize = config.maxImageBytes();
              c.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              c.http.prefer405over404 = true;
              c.jetty.multipartConfig.cacheDirectory(uploads.toString());
              c.jetty.multipartConfig.maxFileSize(
                  Math.max(config.maxImageBytes(), config.maxVideoBytes()), SizeUnit.BYTES);
              c.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
              c.jetty.multipartConfig.maxTotalRequestSize(
                  Math.max(config.maxImageBytes(), config.maxVideoBytes()) + (1 << 20),
                  SizeUnit.BYTES);
              c.staticFiles.add("/dev/restyle/serve/web", Location.CLASSPATH);
              c.routes.before(httpMetrics::before);
              c.routes.before(rateLimiter::before);
              c.routes.after(httpMetrics::after);
              images.register(c.routes);
              pipelineRoutes.register(c.routes);
              previewRoutes.register(c.routes);
              ops.register(c.routes);
              c.routes.exception(Exception.class, (e, ctx) -> errors.write(ctx, e));
              c.routes.error(
                  404,
                  ctx ->
                      errors.writeStatus(
                          ctx,
                          "no such endpoint: "
                              + ctx.method()
                              + " "
                              + ctx.path()
                              + " (see /openapi.yaml)"));
              c.routes.error(
                  405,
                  ctx ->
                      errors.writeStatus(
                          ctx,
                          ctx.method()
                              + " is not allowed on "
                              + ctx.path()
                              + " (see /openapi.yaml)"));
            });
  }

  public static Builder builder(ServeConfig config) {
    return new Builder(config);
  }

  /** Starts listening, then warms the engine up in the background (readiness follows). */
  public RestyleServer start() {
    app.start(config.host(), config.port());
    LOG.info("restyle serve listening on http://{}:{}/", config.host(), app.port());
    Thread.ofPlatform().name("restyle-warm-up").daemon(true).start(this::warmUp);
    return this;
  }

  /** Loads the first style that loads (a refused file is skipped) and runs one small image. */
  private void warmUp() {
    List<StyleEntry> entries = styleRegistry.list();
    if (entries.isEmpty()) {
      notReady = "no styles are installed";
      return;
    }
    List<String> failures = new ArrayList<>();
    for (StyleEntry entry : entries) {
      String name = entry.name();
      try {
        int size = 64;
        queue
            .submitUnbounded(
                styles.stylizer(name), new byte[size * size * 3], size, size, StyleOptions.DEFAULT)
            .get();
        notReady = null;
        LOG.info("ready: style {} loaded and run", name);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        notReady = "warm-up interrupted";
        return;
      } catch (Exception e) {
        failures.add(name + ": " + e.getMessage());
        LOG.error("warm-up with style {} failed", name, e);
      }
    }
    notReady = "warm-up failed with every style: " + String.join("; ", failures);
  }

  /** The port listened on (the chosen one when configured as 0). */
  public int port() {
    return app.port();
  }

  public boolean ready() {
    return notReady == null && queue.isRunning();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  @Override
  public void close() {
    app.stop();
    pipelines.close();
    queue.close();
    styles.close();
    gcMetrics.close();
    registry.close();
  }

  /** How to build a server. */
  public static final class Builder {
    private final ServeConfig config;
    private StyleRegistry styles = StyleRegistry.standard();
    private final List<PipelineKind> kinds =
        new ArrayList<>(
            List.of(new VideoUploadKind(), new RtspKind(), KafkaKind.fromEnvironment()));

    private Builder(ServeConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Where styles come from (default: bundled plus the user's style folder). */
    public Builder styles(StyleRegistry styles) {
      this.styles = Objects.requireNonNull(styles, "styles");
      return this;
    }

    /**
     * The brokers of {@code kafka} pipelines that name none (default: {@code
     * KAFKA_BOOTSTRAP_SERVERS}).
     */
    public Builder kafkaBootstrap(String bootstrap) {
      kinds.replaceAll(
          k -> k instanceof KafkaKind ? new KafkaKind(Optional.ofNullable(bootstrap)) : k);
      return this;
    }

    /** Adds a pipeline kind (video-upload, rtsp and kafka are always there). */
    public Builder pipelineKind(PipelineKind kind) {
      kinds.add(Objects.requireNonNull(kind, "kind"));
      return this;
    }

    public RestyleServer build() throws IOException {
      return new RestyleServer(this);
    }
  }
}
