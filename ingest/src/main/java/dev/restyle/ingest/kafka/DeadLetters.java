package dev.restyle.ingest.kafka;

import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters: a malformed input record as it came (key, value, headers) plus {@value
 * FrameHeaders#DLQ_REASON}, {@value FrameHeaders#DLQ_KIND} and {@value FrameHeaders#DLQ_SOURCE}.
 */
final class DeadLetters {
  private DeadLetters() {}

  static ProducerRecord<String, byte[]> of(
      ConsumerRecord<String, byte[]> in, MalformedFrameException fault, String topic) {
    Headers headers = new RecordHeaders();
    for (Header h : in.headers()) {
      headers.add(h);
    }
    FrameHeaders.put(headers, FrameHeaders.DLQ_REASON, fault.reason());
    FrameHeaders.put(headers, FrameHeaders.DLQ_KIND, fault.kind().name().toLowerCase(Locale.ROOT));
    FrameHeaders.put(headers, FrameHeaders.DLQ_SOURCE, source(in));
    return new ProducerRecord<>(topic, null, in.key(), in.value(), headers);
  }

  static String source(ConsumerRecord<?, ?> in) {
    return in.topic() + "-" + in.partition() + "@" + in.offset();
  }
}
