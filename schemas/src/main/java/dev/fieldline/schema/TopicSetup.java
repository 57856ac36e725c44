package dev.fieldline.schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a regional cluster's topics that do not exist yet: every Fieldline topic and its dead
 * letters. Each service that writes to a region calls it at start-up, so start order does not
 * matter.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
  private static final Duration LEADER_RETRY = Duration.ofMillis(100);

  private TopicSetup() {}

  /**
   * Returns once the leader of every partition of {@code topics} serves it. Clients learn a new
   * topic's leaders a moment before the leader itself takes the partitions on, and answers {@code
   * NOT_LEADER_OR_FOLLOWER} meanwhile. An idempotent producer whose first batches hit that moment
   * retried them with {@code OUT_OF_ORDER_SEQUENCE_NUMBER} once a second until its delivery timeout
   * ({@code bench/global-replication}'s preload, Kafka 4.2, 5 runs of 10 one day). Listing each
   * partition's latest offset asks its leader, and the admin client retries until it answers.
   *
   * <p>The admin client takes {@code UNKNOWN_TOPIC_OR_PARTITION} as final, though, and a broker
   * answers it for a moment after another one created the topic, to the description and to the
   * leader lookup alike (edge-agent's {@code SecureMqttIT} and {@code MosquittoQueueLossIT} failed
   * on it): that answer is asked again until the timeout, so a topic that does not exist fails only
   * then.
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout) {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          listLatestOffsets(admin, topics, deadline);
          return;
        } catch (ExecutionException e) {
          boolean unknownYet = e.getCause() instanceof UnknownTopicOrPartitionException;
          if (!unknownYet || System.nanoTime() + LEADER_RETRY.toNanos() >= deadline) {
            // E.g. a principal without DESCRIBE on the topics, or a topic that does not exist.
            throw new IllegalStateException(
                "cannot confirm that the leaders of " + topics + " serve them: " + e.getCause(), e);
          }
          Thread.sleep(LEADER_RETRY.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the leaders of " + topics + " did not serve them within " + timeout, e);
    }
  }

  /** Describes the topics, then lists the latest offset of each of their partitions. */
  private static void listLatestOffsets(Admin admin, Collection<String> topics, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(millisLeft(deadline), TimeUnit.MILLISECONDS)
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(
                        p ->
                            partitions.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    int left = (int) millisLeft(deadline);
    admin
        .listOffsets(partitions, new ListOffsetsOptions().timeoutMs(left))
        .all()
        .get(left, TimeUnit.MILLISECONDS);
  }

  private static long millisLeft(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  public static void createMissing(
      Map<String, Object> adminConfig, int partitions, short replication) {
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?> topic : Topics.all()) {
        if (!existing.contains(topic.name())) {
          missing.add(new NewTopic(topic.name(), partitions, replication).configs(topic.config()));
        }
        if (!existing.contains(topic.deadLetterTopic())) {
          missing.add(new NewTopic(topic.deadLetterTopic(), partitions, replication));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var result : admin.createTopics(missing).values().entrySet()) {
        try {
          result.getValue().get(60, TimeUnit.SECONDS);
          log.info("created topic {}", result.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, missing.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (Exception e) {
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("cannot reach the Kafka cluster to create topics", e);
    }
  }
}
