package dev.restyle.serve.pipelines;

import dev.restyle.engine.stylize.StyleOptions;
import dev.restyle.ingest.inference.BatchProcessor;
import dev.restyle.ingest.kafka.FrameEncoding;
import dev.restyle.ingest.kafka.KafkaSettings;
import dev.restyle.ingest.kafka.KafkaTopicSource;
import dev.restyle.ingest.kafka.Topics;
import dev.restyle.ingest.pipeline.OverflowPolicy;
import dev.restyle.serve.http.ApiException;
import dev.restyle.serve.http.Params;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Kafka topic of frames stylised into another until stopped (the pipeline of {@code restyle
 * kafka}): options {@code in}, {@code out}, {@code bootstrap} (default: the server's, from {@code
 * KAFKA_BOOTSTRAP_SERVERS}), {@code group} (default {@code restyle}), {@code dlq} (default {@code
 * IN.dlq}), {@code encoding} (jpeg, png, rgb; default: as each input frame), {@code exactly_once},
 * and the style options. At least once by default: an input offset is committed once its output is
 * acknowledged; stopping finishes the frames in flight and commits them. Missing output and
 * dead-letter topics are created with the input's partition count.
 */
public final class KafkaKind implements PipelineKind {
  public static final String NAME = "kafka";

  private static final Set<String> OPTIONS =
      PipelineRequest.optionsWithCommon(
          "in", "out", "bootstrap", "group", "dlq", "encoding", "exactly_once");

  private final Optional<String> defaultBootstrap;

  /**
   * @param defaultBootstrap the brokers when a request names none
   */
  public KafkaKind(Optional<String> defaultBootstrap) {
    this.defaultBootstrap = defaultBootstrap.filter(b -> !b.isBlank());
  }

  /** The brokers from {@code KAFKA_BOOTSTRAP_SERVERS}, if set. */
  public static KafkaKind fromEnvironment() {
    return new KafkaKind(Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP_SERVERS")));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "frames from a Kafka topic stylised into another until stopped (options in, out,"
        + " bootstrap"
        + defaultBootstrap.map(b -> " (default " + b + ")").orElse("")
        + ", group, dlq, encoding, exactly_once, style)";
  }

  @Override
  public PipelineParts open(PipelineRequest request, PipelineContext context) throws IOException {
    request.requireOnly(OPTIONS, "a kafka pipeline");
    String bootstrap =
        request
            .option("bootstrap")
            .or(() -> defaultBootstrap)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the 'bootstrap' option is missing (the server has no"
                            + " KAFKA_BOOTSTRAP_SERVERS)"));
    String in = request.require("in");
    KafkaSettings settings =
        KafkaSettings.of(bootstrap, in, request.require("out"))
            .withDeadLetterTopic(request.option("dlq").orElse(in + ".dlq"))
            .withGroupId(request.option("group").orElse("restyle"))
            .withExactlyOnce(exactlyOnce(request.option("exactly_once").orElse("false")))
            .withOutputEncoding(request.option("encoding").map(FrameEncoding::parse));
    String style = request.require("style");
    StyleOptions options = Params.options(request::option);
    BatchProcessor processor = context.processor(style, options); // unknown style: 404 first
    KafkaTopicSource source;
    try {
      Topics.ensure(
          bootstrap,
          List.of(settings.outputTopic(), settings.deadLetterTopic()),
          Topics.partitions(bootstrap, in));
      source = KafkaTopicSource.open(settings, context.registry(), context.id());
    } catch (IOException e) {
      throw new ApiException(502, "Kafka at " + bootstrap + ": " + e.getMessage());
    }
    return new PipelineParts(
        source,
        processor,
        source.sink(),
        context.maxBatch(),
        OverflowPolicy.BLOCK,
        Optional.empty(),
        true);
  }

  private static boolean exactlyOnce(String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException("'exactly_once' must be true or false, got " + value);
    };
  }
}
