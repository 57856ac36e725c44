package dev.fieldline.edge.bench;

import dev.fieldline.edge.io.NoDelaySocketFactory;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.SocketFactory;

/**
 * {@code bench/edge-latency --sparkplug}: the decision path on Sparkplug B against Fieldline's
 * JSON. One broker, an agent and a load generator for each ({@link AgentVariants}): the same
 * readings, rule and rates, QoS 1 both ways (Sparkplug devices often publish at QoS 0, which would
 * spare the agent its acknowledgements and flatter Sparkplug), commands back as NCMD against JSON
 * commands.
 */
final class SparkplugComparison {
  private SparkplugComparison() {}

  static String run(Path work, String bootstrap, int rate, double seconds) throws Exception {
    Path dir = Files.createDirectories(work.resolve("sparkplug"));
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      SocketFactory sockets = new NoDelaySocketFactory();
      List<AgentVariants.Result> results =
          AgentVariants.measure(
              dir,
              bootstrap,
              List.of(
                  new AgentVariants.Variant("json", broker.serverUri(), sockets, List.of()),
                  new AgentVariants.Variant(
                      "sparkplug",
                      broker.serverUri(),
                      sockets,
                      List.of(
                          "ingest.sparkplug.enabled=true",
                          "ingest.sparkplug.groups=sparkplug",
                          "ingest.sparkplug.host-id=bench-host"),
                      true)),
              rate,
              seconds);
      AgentVariants.Result json = results.get(0);
      AgentVariants.Result sparkplug = results.get(1);
      return String.format(
          "sparkplug_json_p50_us=%d sparkplug_json_p99_us=%d sparkplug_p50_us=%d"
              + " sparkplug_p99_us=%d sparkplug_p99_ratio=%.2f sparkplug_json_max_rate=%d"
              + " sparkplug_max_rate=%d",
          json.atRate().p(50) / 1_000,
          json.atRate().p(99) / 1_000,
          sparkplug.atRate().p(50) / 1_000,
          sparkplug.atRate().p(99) / 1_000,
          (double) sparkplug.atRate().p(99) / Math.max(1, json.atRate().p(99)),
          json.maxRate(),
          sparkplug.maxRate());
    }
  }
}
