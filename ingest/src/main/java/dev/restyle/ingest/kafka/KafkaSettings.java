package dev.restyle.ingest.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How a {@link KafkaStylizer} talks to Kafka. Checked when built: every problem is reported at
 * once.
 *
 * @param bootstrap {@code host:port[,host:port...]} of the brokers
 * @param inputTopic where frames come from
 * @param outputTopic where stylised frames go
 * @param deadLetterTopic where malformed records go, with the reason in a header
 * @param groupId the consumer group; processes with the same group share the input's partitions
 * @param exactlyOnce Kafka transactions: outputs, dead letters and input offsets commit atomically
 *     (readers of the output use {@code isolation.level=read_committed}); otherwise at least once
 * @param outputEncoding the output's encoding; empty: the same as each input frame's
 * @param maxPollRecords records fetched per poll
 * @param commitInterval how often offsets (or transactions) are committed
 * @param deliveryTimeout how long a send may take (metadata, retries) before it fails
 * @param drainTimeout how long a rebalance or a shutdown waits for frames in flight
 * @param sessionTimeout how long the group waits for a silent (crashed) member before giving its
 *     partitions to the others
 * @param transactionTimeout exactly once: how long a transaction may stay open; the broker aborts a
 *     crashed process's open transaction after it, and until then read_committed readers of the
 *     output wait at it
 */
public record KafkaSettings(
    String bootstrap,
    String inputTopic,
    String outputTopic,
    String deadLetterTopic,
    String groupId,
    boolean exactlyOnce,
    Optional<FrameEncoding> outputEncoding,
    int maxPollRecords,
    Duration commitInterval,
    Duration deliveryTimeout,
    Duration drainTimeout,
    Duration sessionTimeout,
    Duration transactionTimeout) {

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:\\d{1,5}");

  public KafkaSettings {
    Objects.requireNonNull(outputEncoding, "outputEncoding");
    List<String> problems = new ArrayList<>();
    if (bootstrap == null
        || bootstrap.isBlank()
        || !List.of(bootstrap.split(",")).stream()
            .allMatch(s -> HOST_PORT.matcher(s.trim()).matches())) {
      problems.add("bootstrap: expected host:port[,host:port...], got '" + bootstrap + "'");
    }
    topic(problems, "input topic", inputTopic);
    topic(problems, "output topic", outputTopic);
    topic(problems, "dead-letter topic", deadLetterTopic);
    if (inputTopic != null
        && (inputTopic.equals(outputTopic) || inputTopic.equals(deadLetterTopic))) {
      problems.add("input topic: must differ from the output and dead-letter topics");
    }
    if (outputTopic != null && outputTopic.equals(deadLetterTopic)) {
      problems.add("dead-letter topic: must differ from the output topic");
    }
    if (groupId == null || groupId.isBlank()) {
      problems.add("group id: must not be empty");
    }
    if (maxPollRecords < 1) {
      problems.add("max poll records: must be at least 1, got " + maxPollRecords);
    }
    positive(problems, "commit interval", commitInterval);
    positive(problems, "delivery timeout", deliveryTimeout);
    positive(problems, "drain timeout", drainTimeout);
    positive(problems, "session timeout", sessionTimeout);
    positive(problems, "transaction timeout", transactionTimeout);
    if (exactlyOnce
        && transactionTimeout != null
        && commitInterval != null
        && transactionTimeout.compareTo(commitInterval) <= 0) {
      problems.add(
          "transaction timeout: must be longer than the commit interval ("
              + commitInterval
              + "), got "
              + transactionTimeout);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad Kafka settings: " + String.join("; ", problems));
    }
  }

  /**
   * Settings with defaults: dead letters to {@code IN.dlq}, group {@code restyle}, at least once.
   */
  public static KafkaSettings of(String bootstrap, String inputTopic, String outputTopic) {
    return new KafkaSettings(
        bootstrap,
        inputTopic,
        outputTopic,
        inputTopic + ".dlq",
        "restyle",
        false,
        Optional.empty(),
        16,
        Duration.ofSeconds(1),
        Duration.ofMinutes(2),
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60));
  }

  public KafkaSettings withDeadLetterTopic(String topic) {
    return edit(e -> e.deadLetterTopic = topic);
  }

  public KafkaSettings withGroupId(String group) {
    return edit(e -> e.groupId = group);
  }

  public KafkaSettings withExactlyOnce(boolean on) {
    return edit(e -> e.exactlyOnce = on);
  }

  public KafkaSettings withOutputEncoding(Optional<FrameEncoding> encoding) {
    return edit(e -> e.outputEncoding = encoding);
  }

  public KafkaSettings withCommitInterval(Duration interval) {
    return edit(e -> e.commitInterval = interval);
  }

  public KafkaSettings withDeliveryTimeout(Duration timeout) {
    return edit(e -> e.deliveryTimeout = timeout);
  }

  public KafkaSettings withMaxPollRecords(int records) {
    return edit(e -> e.maxPollRecords = records);
  }

  public KafkaSettings withSessionTimeout(Duration timeout) {
    return edit(e -> e.sessionTimeout = timeout);
  }

  public KafkaSettings withTransactionTimeout(Duration timeout) {
    return edit(e -> e.transactionTimeout = timeout);
  }

  /** These settings with the fields {@code change} sets; validated like any others. */
  private KafkaSettings edit(Consumer<Edit> change) {
    Edit e = new Edit(this);
    change.accept(e);
    return new KafkaSettings(
        e.bootstrap,
        e.inputTopic,
        e.outputTopic,
        e.deadLetterTopic,
        e.groupId,
        e.exactlyOnce,
        e.outputEncoding,
        e.maxPollRecords,
        e.commitInterval,
        e.deliveryTimeout,
        e.drainTimeout,
        e.sessionTimeout,
        e.transactionTimeout);
  }

  /** A mutable copy of the fields, for the {@code withX} methods. */
  private static final class Edit {
    String bootstrap;
    String inputTopic;
    String outputTopic;
    String deadLetterTopic;
    String groupId;
    boolean exactlyOnce;
    Optional<FrameEncoding> outputEncoding;
    int maxPollRecords;
    Duration commitInterval;
    Duration deliveryTimeout;
    Duration drainTimeout;
    Duration sessionTimeout;
    Duration transactionTimeout;

    Edit(KafkaSettings r) {
      bootstrap = r.bootstrap;
      inputTopic = r.inputTopic;
      outputTopic = r.outputTopic;
      deadLetterTopic = r.deadLetterTopic;
      groupId = r.groupId;
      exactlyOnce = r.exactlyOnce;
      outputEncoding = r.outputEncoding;
      maxPollRecords = r.maxPollRecords;
      commitInterval = r.commitInterval;
      deliveryTimeout = r.deliveryTimeout;
      drainTimeout = r.drainTimeout;
      sessionTimeout = r.sessionTimeout;
      transactionTimeout = r.transactionTimeout;
    }
  }

  private static void topic(List<String> problems, String what, String name) {
    if (name == null || !TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      problems.add(what + ": '" + name + "' is not a valid topic name ([a-zA-Z0-9._-], 1 to 249)");
    }
  }

  private static void positive(List<String> problems, String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(what + ": must be positive, got " + d);
    }
  }

  /** The consumer's configuration: manual commits, from the earliest offset of a new group. */
  public Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "restyle-" + groupId + "-consumer");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionTimeout.toMillis()));
    p.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        String.valueOf(Math.max(1, sessionTimeout.toMillis() / 3)));
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, exactlyOnce ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * The producer's configuration: acknowledged by all in-sync replicas, idempotent (no duplicates
   * or reordering from retries), transactional when exactly once.
   */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "restyle-" + groupId + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
    long timeout = deliveryTimeout.toMillis();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        String.valueOf(Math.min(30_000, Math.max(1, timeout - 10))));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
    if (exactlyOnce) {
      // One id per process: with consumer-group fencing (KIP-447) ids need not follow partitions.
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restyle-" + groupId + "-" + UUID.randomUUID());
      p.put(
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(transactionTimeout.toMillis()));
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
