package dev.fieldline.edge.bench;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.CoreSink;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.FeatureLookup;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.core.WindowGap;
import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The decision core alone on one thread: validation, filters, rules and windows, no MQTT, no
 * journal. Reports readings per second and the per-reading latency distribution.
 */
final class CoreThroughput {
  record Result(double perSecond, Histogram latency) {}

  private CoreThroughput() {}

  static Result run(int readings, int devices) {
    return run(readings, devices, false);
  }

  /** With {@code anomaly}, an anomaly rule on the metric too: its detector scores every reading. */
  static Result run(int readings, int devices, boolean anomaly) {
    List<RuleSpec> rules = rules(anomaly);
    CoreSink sink = new BlackHole();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), rules), FeatureLookup.NONE, sink, new CoreCounters());
    long now = System.currentTimeMillis();
    String[] topics = new String[devices];
    for (int d = 0; d < devices; d++) {
      topics[d] = "sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
    }
    byte[][] payloads = payloads(readings, devices, now);
    // A new topic string per message, as the MQTT client hands them over.
    String[] messageTopics = new String[readings];
    for (int i = 0; i < readings; i++) {
      messageTopics[i] = new String(topics[i % devices]);
    }
    // Warm up on a copy of the stream with other device ids, then measure.
    DecisionCore warm =
        new DecisionCore(
            CoreSettings.defaults(List.of(), rules), FeatureLookup.NONE, sink, new CoreCounters());
    for (int i = 0; i < Math.min(readings, 500_000); i++) {
      warm.onMessage(topics[i % devices], payloads[i], System.nanoTime(), now);
    }
    Histogram latency = new Histogram(10_000_000_000L, 3);
    long start = System.nanoTime();
    for (int i = 0; i < readings; i++) {
      long before = System.nanoTime();
      core.onMessage(messageTopics[i], payloads[i], before, now);
      latency.recordValue(System.nanoTime() - before);
      if ((i & 0xFFFF) == 0) {
        core.closeWindows(now);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(readings / seconds, latency);
  }

  /** A threshold and a rate-of-change rule on the temperature, and with {@code anomaly} a third. */
  static List<RuleSpec> rules(boolean anomaly) {
    List<RuleSpec> rules =
        new java.util.ArrayList<>(
            List.of(
                new RuleSpec(
                    "hot",
                    RuleKind.THRESHOLD,
                    null,
                    "temperature",
                    80,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    1,
                    1,
                    0,
                    "throttle",
                    Map.of(),
                    null),
                new RuleSpec(
                    "spike",
                    RuleKind.RATE_OF_CHANGE,
                    null,
                    "temperature",
                    500,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    2,
                    3,
                    0,
                    "inspect",
                    Map.of(),
                    null)));
    if (anomaly) {
      rules.add(anomalyRule("temperature"));
    }
    return rules;
  }

  /**
   * The same load as Sparkplug B: each device an edge node, born once (NBIRTH announcing the
   * temperature with alias 1), then NDATA by alias with the node's wrapping sequence; the same
   * values, a tenth breaking the rule, and the same rules.
   */
  static Result runSparkplug(int readings, int devices) {
    CoreSink sink = new BlackHole();
    long now = System.currentTimeMillis();
    java.util.function.Supplier<DecisionCore> cores =
        () ->
            new DecisionCore(
                CoreSettings.defaults(List.of(), rules(false)),
                FeatureLookup.NONE,
                sink,
                new CoreCounters());
    byte[][] payloads = new byte[readings][];
    String[] topics = new String[readings];
    for (int i = 0; i < readings; i++) {
      int d = i % devices;
      long seq = i / devices + 1;
      double value = seq % 10 == 0 ? 90 : 20 + (i % 7);
      payloads[i] =
          org.eclipse.tahu.protobuf.SparkplugBProto.Payload.newBuilder()
              .setTimestamp(now + seq * 10)
              .setSeq(seq % 256)
              .addMetrics(
                  org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder()
                      .setAlias(1)
                      .setTimestamp(now + seq * 10)
                      .setDoubleValue(value))
              .build()
              .toByteArray();
      topics[i] = new String("spBv1.0/bench/NDATA/node-" + d);
    }
    DecisionCore warm = cores.get();
    birth(warm, devices, now);
    for (int i = 0; i < Math.min(readings, 500_000); i++) {
      warm.onMessage(topics[i], payloads[i], System.nanoTime(), now);
    }
    DecisionCore core = cores.get();
    birth(core, devices, now);
    Histogram latency = new Histogram(10_000_000_000L, 3);
    long start = System.nanoTime();
    for (int i = 0; i < readings; i++) {
      long before = System.nanoTime();
      core.onMessage(topics[i], payloads[i], before, now);
      latency.recordValue(System.nanoTime() - before);
      if ((i & 0xFFFF) == 0) {
        core.closeWindows(now);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(readings / seconds, latency);
  }

  private static void birth(DecisionCore core, int devices, long now) {
    for (int d = 0; d < devices; d++) {
      byte[] nbirth =
          org.eclipse.tahu.protobuf.SparkplugBProto.Payload.newBuilder()
              .setTimestamp(now)
              .setSeq(0)
              .addMetrics(
                  org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder()
                      .setName("bdSeq")
                      .setDatatype(4)
                      .setLongValue(0))
              .addMetrics(
                  org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder()
                      .setName("temperature")
                      .setAlias(1)
                      .setDatatype(10)
                      .setDoubleValue(20))
              .build()
              .toByteArray();
      core.onMessage("spBv1.0/bench/NBIRTH/node-" + d, nbirth, System.nanoTime(), now);
    }
  }

  /** The stream both the core and the parsing baseline read: a tenth of it breaks the rule. */
  private static byte[][] payloads(int readings, int devices, long now) {
    byte[][] payloads = new byte[readings][];
    for (int i = 0; i < readings; i++) {
      int d = i % devices;
      long seq = i / devices + 1;
      double value = seq % 10 == 0 ? 90 : 20 + (i % 7);
      payloads[i] = Payloads.reading("d" + d, seq, now + seq * 10, value, i);
    }
    return payloads;
  }

  /**
   * The floor under the core, measured the same way (a clock read and a histogram per message):
   * Jackson's streaming parser alone reading every token and value of the same payloads, nothing
   * else. The core parses the same way, then validates, tracks sequences and windows, and runs the
   * rules, so {@code core / parse} says how much that costs on a day of any speed.
   */
  static double parseBaseline(int readings, int devices) {
    // Jackson at its fastest on these payloads, as the core configures it.
    com.fasterxml.jackson.core.JsonFactory json =
        com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    byte[][] payloads = payloads(readings, devices, System.currentTimeMillis());
    long[] sink = new long[1];
    Runnable pass =
        () -> {
          for (byte[] payload : payloads) {
            sink[0] += parseEveryToken(json, payload);
          }
        };
    pass.run(); // warm-up
    Histogram latency = new Histogram(10_000_000_000L, 3);
    long start = System.nanoTime();
    for (byte[] payload : payloads) {
      long before = System.nanoTime();
      sink[0] += parseEveryToken(json, payload);
      latency.recordValue(System.nanoTime() - before);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sink[0] == 0) {
      throw new IllegalStateException("parsed nothing");
    }
    return readings / seconds;
  }

  private static long parseEveryToken(com.fasterxml.jackson.core.JsonFactory json, byte[] payload) {
    long seen = 0;
    try (com.fasterxml.jackson.core.JsonParser parser = json.createParser(payload)) {
      com.fasterxml.jackson.core.JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case VALUE_STRING -> seen += parser.getText().length();
          case VALUE_NUMBER_INT -> seen += parser.getLongValue();
          case VALUE_NUMBER_FLOAT -> seen += (long) parser.getDoubleValue();
          case FIELD_NAME -> seen += parser.currentName().length();
          default -> seen++;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return seen;
  }

  static RuleSpec anomalyRule(String metric) {
    return new RuleSpec(
        "unusual-" + metric,
        RuleKind.ANOMALY,
        null,
        metric,
        0.5,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        1,
        1,
        0,
        "inspect",
        Map.of(),
        null);
  }

  /** Consumes results without keeping them. */
  static final class BlackHole implements CoreSink {
    long count;

    @Override
    public void command(String siteId, String deviceId, Command command) {
      count++;
    }

    @Override
    public void decision(DecisionEvent decision) {
      count++;
    }

    @Override
    public void sparkplugCommand(String group, String node, String device, Command command) {
      count++;
    }

    @Override
    public void rebirth(String group, String node) {
      count++;
    }

    @Override
    public void accepted(AcceptedReading reading) {
      count++;
    }

    @Override
    public void gap(WindowGap gap) {
      count++;
    }

    @Override
    public void summary(EdgeSummary summary) {
      count++;
    }

    @Override
    public void rejected(String topic, byte[] payload, RejectReason reason, String detail) {
      count++;
    }
  }
}
