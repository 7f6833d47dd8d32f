package dev.restyle.ingest.kafka;

import dev.restyle.ingest.frame.Frame;
import dev.restyle.ingest.sink.FrameSink;
import java.io.IOException;
import java.util.Optional;
import java.util.Queue;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Stylised frames to a Kafka topic, keyed by stream id so each stream stays in one partition and in
 * order. Frames arrive in the order the {@link KafkaFrameSource} handed them on, so the next {@link
 * FrameTicket} in the queue is the frame's input record.
 */
public final class KafkaFrameSink implements FrameSink {
  private final FramePublisher publisher;
  private final Queue<FrameTicket> tickets;
  private final String topic;
  private final Optional<FrameEncoding> encoding;

  public KafkaFrameSink(
      FramePublisher publisher,
      Queue<FrameTicket> tickets,
      String topic,
      Optional<FrameEncoding> encoding) {
    this.publisher = publisher;
    this.tickets = tickets;
    this.topic = topic;
    this.encoding = encoding;
  }

  @Override
  public void write(Frame frame) throws IOException {
    FrameTicket ticket = tickets.poll();
    if (ticket == null
        || !ticket.streamId().equals(frame.streamId())
        || ticket.index() != frame.index()) {
      throw new IllegalStateException(
          "frame " + frame + " does not match its input record " + ticket + ": order was lost");
    }
    FrameEncoding out = encoding.orElse(ticket.encoding());
    publisher.send(
        new ProducerRecord<>(
            topic,
            null,
            frame.streamId(),
            FrameCodec.encode(frame, out),
            FrameCodec.headers(frame, out)),
        ticket);
  }

  /** Waits for the acknowledgement of every frame sent. */
  @Override
  public void finish() throws IOException {
    publisher.flush();
  }

  /** The producer belongs to the {@link FramePublisher}: nothing to release here. */
  @Override
  public void close() {}
}
