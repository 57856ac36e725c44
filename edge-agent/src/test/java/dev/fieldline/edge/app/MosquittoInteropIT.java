package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with independent MQTT software: Debian's Mosquitto as the broker and {@code
 * mosquitto_pub} / {@code mosquitto_sub} as the device. {@code .ci/run} installs them; elsewhere
 * the test is skipped.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MosquittoInteropIT {
  @TempDir Path dir;

  @Test
  void shouldCommandMosquittoDevicesAndCountTheirBadPayloads() throws Exception {
    Assumptions.assumeTrue(
        MosquittoBroker.installed() && Files.isExecutable(Path.of("/usr/bin/mosquitto_pub")),
        "Debian's mosquitto and mosquitto-clients are not installed");
    int port = FreePorts.pick();
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, port);
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("interop")) {
      EdgeFixture.createTopics(kafka);
      String uri = mosquitto.serverUri();
      try (EdgeAgent agent =
          EdgeFixture.agent(
              EdgeFixture.settings(dir.resolve("edge"), uri, kafka.bootstrapServers()))) {
        await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
        Path received = dir.resolve("commands.txt");
        Process subscriber =
            new ProcessBuilder(
                    "mosquitto_sub",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-V",
                    "mqttv5",
                    "-i",
                    "device-sub",
                    "-q",
                    "1",
                    "-t",
                    "sites/plant/devices/+/commands",
                    "-v")
                .redirectErrorStream(true)
                .redirectOutput(received.toFile())
                .start();
        Thread.sleep(500);
        try {
          publish(port, "sites/plant/devices/m1/telemetry", json("m1", 1, 20));
          publish(port, "sites/plant/devices/m1/telemetry", json("m1", 2, 95));
          publish(port, "sites/plant/devices/m1/telemetry", "not json at all");
          publish(port, "sites/plant/devices/m1/telemetry", json("m2", 3, 20)); // spoofed device
          publish(port, "sites/plant/devices/m1/telemetry", json("m1", 4, 20));

          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> Files.readString(received).contains("\"readingSeq\":2"));
          await().atMost(Duration.ofSeconds(10)).until(() -> agent.counters().received.sum() == 5);
        } finally {
          subscriber.destroy();
        }
        String commands = Files.readString(received);
        assertThat(commands).startsWith("sites/plant/devices/m1/commands ");
        assertThat(commands).contains("\"action\":\"throttle\"");
        assertThat(agent.counters().accepted.sum()).isEqualTo(3);
        assertThat(agent.counters().rejected(RejectReason.MALFORMED)).isEqualTo(1);
        assertThat(agent.counters().rejected(RejectReason.DEVICE_MISMATCH)).isEqualTo(1);
      }
    }
  }

  private static void publish(int port, String topic, String payload) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "mosquitto_pub",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-V",
                "mqttv5",
                "-i",
                "device-pub",
                "-q",
                "1",
                "-t",
                topic,
                "-m",
                payload));
    Process pub = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!pub.waitFor(10, TimeUnit.SECONDS) || pub.exitValue() != 0) {
      throw new IllegalStateException(
          "mosquitto_pub failed: "
              + new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static String json(String device, long seq, double temperature) {
    return new String(EdgeFixture.reading(device, seq, temperature), StandardCharsets.UTF_8);
  }
}
