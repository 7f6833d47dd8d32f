package dev.restyle.ingest.kafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics a command needs when they are missing. */
public final class Topics {
  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
  private static final long TIMEOUT_S = 30;

  private Topics() {}

  /**
   * Partitions of a topic, if it exists.
   *
   * @throws IOException if the brokers cannot be reached
   */
  public static Optional<Integer> partitions(String bootstrap, String topic) throws IOException {
    try (Admin admin = admin(bootstrap)) {
      Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      if (!names.contains(topic)) {
        return Optional.empty();
      }
      Map<String, TopicDescription> d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
      return Optional.of(d.get(topic).partitions().size());
    } catch (ExecutionException | TimeoutException e) {
      throw unreachable(bootstrap, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Creates those of {@code topics} that do not exist, with {@code partitions} partitions each (or
   * the broker's default if empty) and the broker's default replication.
   */
  public static void ensure(String bootstrap, List<String> topics, Optional<Integer> partitions)
      throws IOException {
    try (Admin admin = admin(bootstrap)) {
      Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : topics) {
        if (!names.contains(topic)) {
          missing.add(new NewTopic(topic, partitions, Optional.empty()));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw unreachable(bootstrap, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static IOException unreachable(String bootstrap, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new IOException(
        "Kafka at " + bootstrap + ": " + (cause.getMessage() != null ? cause.getMessage() : cause),
        cause);
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_S * 1000));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }
}
