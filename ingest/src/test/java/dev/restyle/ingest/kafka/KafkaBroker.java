package dev.restyle.ingest.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node Kafka (broker and KRaft controller in one) on 127.0.0.1, run as a child JVM
 * from the broker jars on the test class path ({@code org.apache.kafka:kafka_2.13}, test scope):
 * {@code kafka.tools.StorageTool format} on a generated {@code server.properties}, then {@code
 * kafka.Kafka}. Its log goes to {@code broker.log} in its directory. Use it through {@link
 * KafkaBrokerExtension}, which starts one per test run; fault tests start their own and {@link
 * #kill()} and {@link #restart()} it (same ports, same log directory: the data persists).
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Path config;
  private final String bootstrap;
  private final Thread reaper;
  private volatile Process process;

  private KafkaBroker(Path dir, Path config, Process process, String bootstrap) {
    this.dir = dir;
    this.config = config;
    this.process = process;
    this.bootstrap = bootstrap;
    this.reaper = new Thread(() -> this.process.destroyForcibly(), "kafka-broker-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Formats a fresh log directory and starts a broker; returns once it answers. */
  public static KafkaBroker start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("restyle-kafka-");
    int brokerPort = freePort();
    int controllerPort = freePort();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.resolve("logs").toString());
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A crashed producer's transaction is aborted soon after its timeout (default check: 10 s).
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      p.store(out, "restyle test broker");
    }
    Path log = dir.resolve("broker.log");
    Process format =
        java(
                log,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString())
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IOException("formatting the Kafka log directory failed:\n" + tail(log));
    }
    Process broker = java(log, "kafka.Kafka", config.toString()).start();
    KafkaBroker started = new KafkaBroker(dir, config, broker, "127.0.0.1:" + brokerPort);
    try {
      started.awaitReady();
    } catch (IOException | RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  private static ProcessBuilder java(Path log, String main, String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(
        List.of(
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-cp",
            System.getProperty("java.class.path"),
            main));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        if (!process.isAlive()) {
          throw new IOException(
              "the Kafka broker exited ("
                  + process.exitValue()
                  + "):\n"
                  + tail(dir.resolve("broker.log")));
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          // not up yet
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "the Kafka broker did not start within "
                  + START_TIMEOUT
                  + ":\n"
                  + tail(dir.resolve("broker.log")));
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * Kills the broker at once (SIGKILL: no controlled shutdown, nothing flushed beyond what the OS
   * already has) and waits for it to be gone.
   */
  public void kill() throws InterruptedException {
    Process running = process;
    running.destroyForcibly();
    if (!running.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the Kafka broker did not die within 30 s of SIGKILL");
    }
  }

  /**
   * Starts the broker again on the same ports and log directory (after {@link #kill()}); returns
   * once it answers. Its log recovery runs as after a crash.
   */
  public void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException("the broker is still running");
    }
    process = java(dir.resolve("broker.log"), "kafka.Kafka", config.toString()).start();
    awaitReady();
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public String bootstrap() {
    return bootstrap;
  }

  /** An admin client (close it). */
  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  /**
   * Reads a topic from the start until {@code count} records came or {@code timeout} passed, and a
   * little longer to catch records beyond {@code count}.
   */
  public List<ConsumerRecord<String, byte[]>> read(
      String topic, int count, Duration timeout, boolean readCommitted) {
    return readUntil(topic, out -> out.size() >= count, timeout, readCommitted);
  }

  /**
   * Reads {@code topic} from the start with a fresh group until {@code enough} holds for what was
   * read or {@code timeout} passed; once it holds, four more polls catch records right behind.
   */
  public List<ConsumerRecord<String, byte[]>> readUntil(
      String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> enough,
      Duration timeout,
      boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      int extra = 0;
      while (System.nanoTime() < deadline && extra < 4) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        if (enough.test(out)) {
          extra++;
        }
      }
    }
    return out;
  }

  /** Creates topics with {@code partitions} partitions each. */
  public void createTopics(int partitions, String... topics) throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> list = new ArrayList<>();
      for (String topic : topics) {
        list.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
      }
      admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
      awaitLeaders(admin, List.of(topics), partitions);
    }
  }

  /**
   * Waits until the broker's own metadata names a leader for every partition of the topics: a
   * producer that writes before that gets NOT_LEADER_OR_FOLLOWER, and its idempotent retries can
   * then stall on OUT_OF_ORDER_SEQUENCE_NUMBER for minutes.
   */
  private static void awaitLeaders(Admin admin, List<String> topics, int partitions)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      boolean ready =
          described.values().stream()
              .allMatch(
                  d ->
                      d.partitions().size() == partitions
                          && d.partitions().stream()
                              .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader within 30 s for some partition of " + topics);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Settings of the tests' own producers (String keys, byte[] values, acks=all). An idempotent
   * producer whose first write to a new partition meets NOT_LEADER_OR_FOLLOWER (the broker's
   * metadata names the leader before the leader has taken the partition on) can retry with
   * OUT_OF_ORDER_SEQUENCE_NUMBER until its records expire. One request in flight keeps the order
   * without sequence numbers; a write refused that way was not made, so its retry duplicates
   * nothing.
   */
  public static Properties producerProperties(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** The last lines of the broker's log. */
  public String logTail() {
    return tail(dir.resolve("broker.log"));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 15 s) and deletes its directory. */
  @Override
  public void close() throws IOException {
    Process process = this.process;
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
