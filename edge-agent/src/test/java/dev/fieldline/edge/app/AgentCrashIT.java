package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.KafkaBrokerProcess;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.process.ServiceProcess;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent (its own JVM) is killed with SIGKILL while its journal holds unsent summaries and open
 * windows, then started again on the same journal: nothing is lost, nothing is counted twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AgentCrashIT {
  @TempDir Path dir;

  @Test
  void shouldLoseNothingWhenKilledWithUnsentSummaries() throws Exception {
    try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(dir.resolve("kafka"));
        EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      for (Topic<?> topic : Topics.all()) {
        kafka.createTopic(topic.name(), 3, topic.config());
      }
      kafka.stop(false); // the uplink is down: summaries stay in the journal
      List<String> settings =
          EdgeFixture.settings(dir.resolve("edge"), broker.serverUri(), kafka.bootstrapServers());
      int httpPort = FreePorts.pick();
      ServiceProcess first =
          ServiceProcess.start(
              EdgeAgentApp.class,
              "256m",
              settings,
              httpPort,
              Path.of("target", "agent-crash-first.log"));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> first.health().contains("\"mqtt\":\"connected\""));
      Map<String, Long> last;
      try (DeviceFleet fleet = new DeviceFleet(broker.serverUri(), 4, 40)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> journalDepth(first) >= 8);
        first.kill();
        Thread.sleep(1_500); // the devices go on; the broker queues for the dead agent's session
        last = fleet.stop();
      }
      long total = last.values().stream().mapToLong(Long::longValue).sum();

      kafka.start();
      try (EdgeAgent restarted = EdgeFixture.agent(settings)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    restarted.journal().outboxCount() == 0
                        && restarted.uplink().sent.sum() > 0
                        && restarted.health().details().get("openWindows").equals(0));
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
        String diagnostics =
            "restarted agent: "
                + restarted.health().details()
                + "; broker drops: "
                + broker.droppedCounters();
        last.forEach(
            (device, n) ->
                assertThat(EdgeFixture.seqProblems(summaries, device, n))
                    .as(diagnostics)
                    .isEmpty());
      }
    }
  }

  private static long journalDepth(ServiceProcess agent) {
    Matcher depth = Pattern.compile("\"journalDepth\":(\\d+)").matcher(agent.health());
    return depth.find() ? Long.parseLong(depth.group(1)) : 0;
  }
}
