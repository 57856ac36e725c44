package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.io.KafkaUplink;
import dev.fieldline.infra.kafka.KafkaBrokerProcess;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region's Kafka broker (its own JVM) is stopped mid-stream and started again on the same data
 * and ports: every summary arrives, once per (gateway, device, metric, window start).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UplinkOutageIT {
  @TempDir Path dir;

  @Test
  void shouldDeliverEverySummaryOnceAfterTheClusterComesBack() throws Exception {
    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(dir.resolve("kafka"));
        EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      for (Topic<?> topic : Topics.all()) {
        kafka.createTopic(topic.name(), 3, topic.config());
      }
      try (EdgeAgent agent =
          EdgeFixture.agent(
              EdgeFixture.settings(
                  dir.resolve("edge"), broker.serverUri(), kafka.bootstrapServers()))) {
        await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
        Map<String, Long> last;
        try (DeviceFleet fleet = new DeviceFleet(broker.serverUri(), 4, 50)) {
          await().atMost(Duration.ofSeconds(20)).until(() -> agent.uplink().sent.sum() > 0);

          kafka.stop(false);
          long journalBefore = agent.journal().outboxCount();
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> agent.uplink().state() == KafkaUplink.State.DOWN);
          Thread.sleep(8_000); // summaries keep closing while the cluster is away
          assertThat(agent.journal().outboxCount())
              .as("the journal grows while the uplink is down")
              .isGreaterThan(journalBefore);
          assertThat(agent.health().ready()).as("the gateway keeps working").isTrue();

          kafka.start();
          Thread.sleep(2_000);
          last = fleet.stop();
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    agent.journal().outboxCount() == 0
                        && agent.uplink().state() == KafkaUplink.State.UP);
        long total = last.values().stream().mapToLong(Long::longValue).sum();

        List<EdgeSummary> summaries =
            EdgeFixture.readSummaries(
                kafka.bootstrapServers(),
                Duration.ofSeconds(60),
                s ->
                    EdgeFixture.countsByDevice(s).values().stream().mapToLong(Long::longValue).sum()
                        >= total);
        assertThat(EdgeFixture.copiesPerNaturalKey(summaries).values())
            .as("copies per natural key")
            .containsOnly(1);
        last.forEach(
            (device, n) -> assertThat(EdgeFixture.seqProblems(summaries, device, n)).isEmpty());
        assertThat(agent.counters().accepted.sum()).isEqualTo(total);
      }
    }
  }
}
