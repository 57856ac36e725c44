package dev.fieldline.edge.bench;

import dev.fieldline.edge.app.CallbackAdapter;
import dev.fieldline.infra.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * Several variants of the agent measured side by side on one broker: each agent in its own JVM on
 * its own topic tree, each with its own load generator connection; every measurement runs the
 * variants one after the other, so that all of them see the same machine. The rate steps stop for a
 * variant at its first step over 10 ms p99.
 */
final class AgentVariants {
  private static final int DEVICES = 200;
  private static final long TEN_MS = 10_000_000L;

  /** Interleaved rounds at the main rate, pooled per variant. */
  private static final int ROUNDS = 3;

  private static final int[] STEPS = {1_000, 2_000, 3_500, 5_000, 7_000, 9_000, 12_000, 15_000};

  /**
   * One way to run the agent: its broker URI, the client sockets, extra agent settings, and whether
   * its devices speak Sparkplug B (each an edge node of group {@code name}) instead of JSON.
   */
  record Variant(
      String name,
      String uri,
      SocketFactory sockets,
      List<String> agentSettings,
      boolean sparkplug) {
    Variant(String name, String uri, SocketFactory sockets, List<String> agentSettings) {
      this(name, uri, sockets, agentSettings, false);
    }
  }

  /** A variant's latency at the main rate and the highest rate it kept under 10 ms p99. */
  record Result(Variant variant, LoadRun.Outcome atRate, int maxRate) {}

  private AgentVariants() {}

  static List<Result> measure(
      Path dir, String bootstrap, List<Variant> variants, int rate, double seconds)
      throws Exception {
    List<Process> agents = new ArrayList<>();
    List<Load> loads = new ArrayList<>();
    try {
      for (Variant variant : variants) {
        int port = FreePorts.pick();
        List<String> settings = new ArrayList<>(topics(variant.name()));
        settings.addAll(variant.agentSettings());
        agents.add(
            EdgeLatencyBenchmark.startAgent(
                Files.createDirectories(dir.resolve(variant.name())),
                variant.uri(),
                bootstrap,
                port,
                settings));
        EdgeLatencyBenchmark.awaitReady(port);
      }
      for (Variant variant : variants) {
        loads.add(new Load(variant.name(), variant.uri(), variant.sockets(), variant.sparkplug()));
      }
      for (Load load : loads) {
        load.run(Math.min(rate, 2_000), 3); // warm-up
      }
      // The main rate in interleaved rounds, pooled: a pause of the machine during one variant's
      // only run would otherwise decide the comparison's p99 on its own.
      List<LoadRun.Outcome> atRate = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < loads.size(); i++) {
          LoadRun.Outcome o = loads.get(i).run(rate, seconds);
          atRate.add(i, round == 0 ? o : atRate.remove(i).plus(o));
        }
      }
      for (int i = 0; i < loads.size(); i++) {
        EdgeLatencyBenchmark.report(variants.get(i).name() + " x" + ROUNDS, rate, atRate.get(i));
      }
      int[] max = new int[variants.size()];
      boolean[] done = new boolean[variants.size()];
      for (int step : STEPS) {
        for (int i = 0; i < loads.size(); i++) {
          if (done[i]) {
            continue;
          }
          LoadRun.Outcome o = loads.get(i).run(step, 3);
          EdgeLatencyBenchmark.report(variants.get(i).name() + " step", step, o);
          if (o.healthy(TEN_MS)) {
            max[i] = step;
          } else {
            done[i] = true;
          }
        }
      }
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < variants.size(); i++) {
        results.add(new Result(variants.get(i), atRate.get(i), max[i]));
      }
      return results;
    } finally {
      for (Load load : loads) {
        load.close();
      }
      for (Process agent : agents) {
        agent.destroy();
        agent.waitFor();
      }
    }
  }

  /** The agent's topics under their own root, so that several agents share one broker. */
  private static List<String> topics(String root) {
    return List.of(
        "mqtt.telemetry-topic=" + root + "/sites/{siteId}/devices/{deviceId}/telemetry",
        "commands.topic=" + root + "/sites/{siteId}/devices/{deviceId}/commands",
        "mqtt.client-id=bench-agent-" + root);
  }

  /** The load of one variant: a publisher, a responder and their load run. */
  private static final class Load implements AutoCloseable {
    private final String root;
    private final boolean sparkplug;
    private final LoadRun load = new LoadRun();
    private final MqttAsyncClient publisher;
    private final MqttAsyncClient responses;
    private final long[] seqs = new long[DEVICES];

    Load(String root, String uri, SocketFactory sockets, boolean sparkplug) throws Exception {
      this.root = root;
      this.sparkplug = sparkplug;
      publisher = connect(uri, "bench-publisher-" + root, sockets);
      responses = connect(uri, "bench-responses-" + root, sockets);
      if (sparkplug) {
        responses.setCallback(
            new CallbackAdapter(
                (topic, payload) ->
                    load.responded(
                        topic.substring(topic.lastIndexOf('/') + 1),
                        SparkplugLoad.readingSeq(payload))));
        responses.subscribe("spBv1.0/" + root + "/NCMD/+", 1).waitForCompletion(10_000);
        SparkplugLoad.birth(publisher, root, DEVICES, seqs);
      } else {
        responses.setCallback(
            new CallbackAdapter(
                (topic, payload) -> {
                  String text = new String(payload, StandardCharsets.UTF_8);
                  load.responded(
                      EchoClient.between(text, "\"deviceId\":\"", "\""),
                      Long.parseLong(EchoClient.between(text, "\"readingSeq\":", ",")));
                }));
        responses.subscribe(root + "/sites/+/devices/+/commands", 1).waitForCompletion(10_000);
      }
    }

    LoadRun.Outcome run(int rate, double seconds) throws Exception {
      if (sparkplug) {
        return load.run(
            publisher,
            d -> "spBv1.0/" + root + "/NDATA/d" + d,
            SparkplugLoad::ndata,
            DEVICES,
            seqs,
            rate,
            seconds);
      }
      IntFunction<String> topic =
          d -> root + "/sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
      return load.run(publisher, topic, DEVICES, seqs, rate, seconds);
    }

    private static MqttAsyncClient connect(String uri, String id, SocketFactory sockets)
        throws Exception {
      MqttAsyncClient client = new MqttAsyncClient(uri, id, new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      options.setReceiveMaximum(65_535);
      options.setSocketFactory(sockets);
      client.connect(options).waitForCompletion(10_000);
      return client;
    }

    @Override
    public void close() throws Exception {
      for (MqttAsyncClient client : List.of(publisher, responses)) {
        PahoClients.close(client);
      }
    }
  }
}
