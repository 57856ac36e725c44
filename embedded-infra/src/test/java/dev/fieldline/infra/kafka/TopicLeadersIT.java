package dev.fieldline.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.schema.TopicSetup;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A created topic is handed out only once the leader of each of its partitions serves it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicLeadersIT {
  private static final int PARTITIONS = 12;

  @Test
  void shouldServeEveryPartitionOfACreatedTopicAtOnce() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("leaders")) {
      Map<String, Object> config = kafka.clientConfig();
      // No retries: a leader that has not taken the partition on yet fails the request.
      config.put(AdminClientConfig.RETRIES_CONFIG, 0);
      try (Admin admin = Admin.create(config)) {
        for (int t = 0; t < 5; t++) {
          String topic = "leaders.test." + t;
          kafka.createTopic(topic, PARTITIONS, Map.of());

          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
          }
          var offsets =
              admin
                  .listOffsets(latest, new ListOffsetsOptions().timeoutMs(1_000))
                  .all()
                  .get(5, TimeUnit.SECONDS);
          assertThat(offsets).hasSize(PARTITIONS);
          assertThat(offsets.values()).allSatisfy(o -> assertThat(o.offset()).isZero());
        }

        assertThatThrownBy(
                () ->
                    TopicSetup.awaitLeaders(admin, List.of("no.such.topic"), Duration.ofSeconds(2)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no.such.topic");
      }
    }
  }
}
