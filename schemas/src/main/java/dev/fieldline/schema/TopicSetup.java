package dev.fieldline.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a regional cluster's topics that do not exist yet: every Fieldline topic and its dead
 * letters. Each service that writes to a region calls it at start-up, so start order does not
 * matter.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

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
