package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.core.FilterReason;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.net.TcpProxy;
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
 * The agent's link to its MQTT broker is cut for longer than the idle time while devices keep
 * publishing (the broker queues for the agent's session), then restored: every reading ends up in
 * exactly one summary; none is dropped as late because its window closed while the agent was deaf.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MqttLinkDropIT {
  @TempDir Path dir;

  @Test
  void shouldLoseNothingWhenTheLinkToTheBrokerDrops() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("link-drop");
        EmbeddedMqttBroker broker = EmbeddedMqttBroker.start();
        TcpProxy link = TcpProxy.start(broker.host(), broker.port())) {
      EdgeFixture.createTopics(kafka);
      List<String> settings =
          EdgeFixture.settings(
              dir.resolve("edge"), "tcp://127.0.0.1:" + link.port(), kafka.bootstrapServers());
      settings.addAll(List.of("windows.idle=1s", "mqtt.reconnect.max-delay=1s"));
      try (EdgeAgent agent = EdgeFixture.agent(settings)) {
        await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
        Map<String, Long> last;
        try (DeviceFleet fleet = new DeviceFleet(broker.serverUri(), 4, 50)) {
          await().atMost(Duration.ofSeconds(20)).until(() -> agent.uplink().sent.sum() > 0);

          link.cut();
          await().atMost(Duration.ofSeconds(10)).until(() -> !agent.mqttConnected());
          Thread.sleep(5_000); // five times the idle time: the devices go on publishing
          link.restore();
          await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
          Thread.sleep(2_000);
          last = fleet.stop();
        }
        long total = last.values().stream().mapToLong(Long::longValue).sum();
        List<EdgeSummary> summaries =
            EdgeFixture.readSummaries(
                kafka.bootstrapServers(),
                Duration.ofSeconds(60),
                s ->
                    EdgeFixture.countsByDevice(s).values().stream().mapToLong(Long::longValue).sum()
                        >= total);

        assertThat(agent.counters().filtered(FilterReason.LATE)).as("late readings").isZero();
        assertThat(EdgeFixture.copiesPerNaturalKey(summaries).values()).containsOnly(1);
        last.forEach(
            (device, n) -> assertThat(EdgeFixture.seqProblems(summaries, device, n)).isEmpty());
        assertThat(agent.counters().accepted.sum()).isEqualTo(total);
      }
    }
  }
}
