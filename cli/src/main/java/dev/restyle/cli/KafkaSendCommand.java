package dev.restyle.cli;

import dev.restyle.ingest.frame.StreamInfo;
import dev.restyle.ingest.kafka.FrameEncoding;
import dev.restyle.ingest.kafka.KafkaFrameWriter;
import dev.restyle.ingest.kafka.Topics;
import dev.restyle.ingest.source.VideoFileSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restyle kafka-send}: puts the frames of a video file on a topic, for trying the rest. */
@Command(
    name = "kafka-send",
    description =
        "Send the frames of a video file to a Kafka topic in restyle's frame format (see 'restyle"
            + " help kafka'), as one stream.")
final class KafkaSendCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      description = "input video; omitted: a 3-second sample clip drawn on the fly")
  Path input;

  @Option(names = "--bootstrap", required = true, description = "brokers, host:port[,host:port]")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "topic to send the frames to")
  String topic;

  @Option(names = "--stream", description = "stream id, the record key (default: the file name)")
  String stream;

  @Option(
      names = "--encoding",
      defaultValue = "jpeg",
      description = "jpeg, png or rgb (default ${DEFAULT-VALUE})")
  String encoding;

  @Option(
      names = "--realtime",
      description = "send at the video's frame rate instead of as fast as it decodes")
  boolean realtime;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "partitions of the topic if it has to be created (default ${DEFAULT-VALUE})")
  int partitions;

  @Override
  public Integer call() throws Exception {
    FrameEncoding frameEncoding = FrameEncoding.parse(encoding);
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
    }
    try (InputVideo video = InputVideo.of(input)) {
      String id = stream != null ? stream : video.name();
      Topics.ensure(bootstrap, List.of(topic), Optional.of(partitions));
      try (VideoFileSource source = VideoFileSource.open(video.file(), id);
          KafkaFrameWriter writer = new KafkaFrameWriter(bootstrap, topic, frameEncoding);
          ProgressBars bar = new ProgressBars("kafka-send", source.info().estimatedFrames(), 0)) {
        StreamInfo info = source.info();
        long start = System.nanoTime();
        long sent =
            writer.sendAll(
                source,
                id,
                realtime ? Duration.ofNanos((long) (1e9 / info.frameRate())) : null,
                n -> bar.update(n, info.estimatedFrames(), Map.of()));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%s -> %s: %d frames of %dx%d as %s, stream %s, in %.1f s (%.1f frames/s)%n",
            video.label(),
            topic,
            sent,
            info.width(),
            info.height(),
            frameEncoding.header(),
            id,
            seconds,
            seconds > 0 ? sent / seconds : 0);
        return 0;
      }
    }
  }
}
