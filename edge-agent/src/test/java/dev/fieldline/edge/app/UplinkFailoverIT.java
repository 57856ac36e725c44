package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.io.KafkaUplink;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.kafka.KafkaBrokerProcess;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home region's broker (its own JVM) is stopped mid-stream: after {@code failover-after} the
 * agent sends later summaries to the secondary region, and back to the home region once it returns.
 * Every summary is stored in exactly one of the two clusters, once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UplinkFailoverIT {
  @TempDir Path dir;

  @Test
  void shouldStoreEverySummaryInExactlyOneRegionAcrossAFailover() throws Exception {
    try (KafkaBrokerProcess home = KafkaBrokerProcess.start(dir.resolve("kafka"));
        EmbeddedKafkaCluster secondary = EmbeddedKafkaCluster.start("eu-central");
        EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      for (Topic<?> topic : Topics.all()) {
        home.createTopic(topic.name(), 3, topic.config());
      }
      EdgeFixture.createTopics(secondary);
      List<String> settings =
          EdgeFixture.settings(dir.resolve("edge"), broker.serverUri(), home.bootstrapServers());
      settings.addAll(
          List.of(
              "uplink.secondary.region=eu-central",
              "uplink.secondary.bootstrap-servers=" + secondary.bootstrapServers(),
              "uplink.secondary.failover-after=6s",
              "residency.allowed-regions=eu-central"));
      try (EdgeAgent agent = EdgeFixture.agent(settings)) {
        await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
        Map<String, Long> last;
        try (DeviceFleet fleet = new DeviceFleet(broker.serverUri(), 4, 50)) {
          await().atMost(Duration.ofSeconds(20)).until(() -> agent.uplink().sent.sum() > 0);
          assertThat(agent.uplink().sentToSecondary.sum()).isZero();

          home.stop(false);
          await()
              .atMost(Duration.ofSeconds(40))
              .until(() -> agent.uplink().state() == KafkaUplink.State.FAILED_OVER);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> agent.uplink().sentToSecondary.sum() >= 20);

          home.start();
          long toSecondary = agent.uplink().sentToSecondary.sum();
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> agent.uplink().state() == KafkaUplink.State.UP);
          Thread.sleep(3_000); // summaries keep flowing, to the home region again
          last = fleet.stop();
          assertThat(agent.uplink().failovers.sum()).isEqualTo(1);
          assertThat(agent.uplink().sentToSecondary.sum())
              .as("after the home region returned, nothing more went to the secondary")
              .isLessThanOrEqualTo(toSecondary + 500);
        }
        long total = last.values().stream().mapToLong(Long::longValue).sum();
        // The last windows close once the devices have been silent for windows.idle.
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    sum(EdgeFixture.readAllSummaries(home.bootstrapServers()))
                            + sum(EdgeFixture.readAllSummaries(secondary.bootstrapServers()))
                        >= total);
        assertThat(agent.counters().accepted.sum()).isEqualTo(total);

        List<EdgeSummary> inSecondary = EdgeFixture.readAllSummaries(secondary.bootstrapServers());
        List<EdgeSummary> inHome = EdgeFixture.readAllSummaries(home.bootstrapServers());
        assertThat(inSecondary).as("summaries stored in the secondary region").isNotEmpty();
        assertThat(inHome).as("summaries stored in the home region").isNotEmpty();

        List<EdgeSummary> all = new ArrayList<>(inHome);
        all.addAll(inSecondary);
        assertThat(EdgeFixture.copiesPerNaturalKey(all).values())
            .as("copies per natural key across both regions")
            .containsOnly(1);
        last.forEach((device, n) -> assertThat(EdgeFixture.seqProblems(all, device, n)).isEmpty());
        assertThat(sum(all)).isEqualTo(total);
      }
    }
  }

  private static long sum(List<EdgeSummary> summaries) {
    return summaries.stream().mapToLong(s -> s.getStats().getCount()).sum();
  }
}
