package dev.fieldline.edge.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.CoreSink;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.core.TopicTemplate;
import dev.fieldline.edge.core.WindowGap;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the decision path on made-up readings before the agent subscribes, so that the first real
 * readings after a start do not pay for loading and first compiling the parser, the rules and the
 * command and event encoders: 6 ms to the first command on a quiet JVM, tens of milliseconds while
 * other processes start on the same cores, and every reading queued behind it waits as long.
 *
 * <p>Nothing leaves it: its own core, counters and sink, which encode commands, decisions and
 * summaries as the agent does and drop them. The readings are Fieldline JSON for the metrics the
 * rules name (or one made-up metric), with values far above and below any threshold so that the
 * rules fire and clear; filters are left out, since a range filter would drop exactly those values.
 * A vendor payload mapping or Sparkplug B decoding is not warmed.
 */
public final class DecisionPathWarmUp implements CoreSink {
  /** Enough for the hot methods to reach their first compilation (a few hundred calls each). */
  public static final int READINGS = 2_000;

  private static final String SITE = "fieldline-warm-up";
  private static final JsonFactory JSON = new JsonFactory();

  private final CommandCodec commands;
  private final TopicTemplate commandTopic;
  private final AvroCodec<DecisionEvent> decisions = AvroCodec.of(DecisionEvent.class);
  private final AvroCodec<EdgeSummary> summaries = AvroCodec.of(EdgeSummary.class);
  private int commandCount;
  private int summaryCount;

  /**
   * What one warm-up did.
   *
   * @param readings readings run through the core
   * @param commands commands encoded (rules that fired or cleared)
   * @param summaries summaries encoded
   * @param took how long it took
   */
  public record Result(int readings, int commands, int summaries, Duration took) {}

  private DecisionPathWarmUp(CommandCodec commands, TopicTemplate commandTopic) {
    this.commands = commands;
    this.commandTopic = commandTopic;
  }

  /** Warms the path that {@code settings}, {@code commands} and {@code commandTopic} will take. */
  public static Result run(
      CoreSettings settings, CommandCodec commands, TopicTemplate commandTopic) {
    long started = System.nanoTime();
    DecisionPathWarmUp sink = new DecisionPathWarmUp(commands, commandTopic);
    DecisionCore core =
        new DecisionCore(
            settings.withFilters(List.of()).withPayloadMapping(null),
            (type, metric) -> null,
            sink,
            new CoreCounters());
    List<List<String>> series = series(settings);
    long now = System.currentTimeMillis();
    int perSeries = Math.max(1, READINGS / series.size());
    int readings = 0;
    for (int s = 0; s < series.size(); s++) {
      String device = "warm-up-" + s;
      String topic = settings.telemetryTopic().render(SITE, device);
      for (int seq = 1; seq <= perSeries; seq++) {
        double value = seq % 2 == 0 ? 1e9 : -1e9;
        long time = now - (perSeries - seq) * 10L;
        List<String> typeAndMetric = series.get(s);
        byte[] payload = json(device, typeAndMetric.get(0), typeAndMetric.get(1), time, seq, value);
        core.onMessage(topic, payload, System.nanoTime(), now);
        readings++;
      }
    }
    core.closeAll();
    return new Result(
        readings,
        sink.commandCount,
        sink.summaryCount,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** One (device type, metric) per metric the rules name, or a made-up one without rules. */
  private static List<List<String>> series(CoreSettings settings) {
    Set<List<String>> pairs = new LinkedHashSet<>();
    for (RuleSpec rule : settings.rules()) {
      String type = rule.deviceType() == null ? settings.defaultDeviceType() : rule.deviceType();
      pairs.add(List.of(type, rule.metric()));
    }
    if (pairs.isEmpty()) {
      pairs.add(List.of(settings.defaultDeviceType(), "warm-up"));
    }
    return new ArrayList<>(pairs);
  }

  private static byte[] json(
      String device, String type, String metric, long time, long seq, double value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("deviceId", device);
      json.writeStringField("type", type);
      json.writeNumberField("ts", time);
      json.writeNumberField("seq", seq);
      json.writeObjectFieldStart("metrics");
      json.writeNumberField(metric, value);
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void command(String siteId, String deviceId, Command command) {
    commandTopic.render(siteId, deviceId);
    commands.encode(command);
    commandCount++;
  }

  @Override
  public void decision(DecisionEvent decision) {
    decisions.encode(decision);
  }

  @Override
  public void summary(EdgeSummary summary) {
    summaries.encode(summary);
    summaryCount++;
  }

  @Override
  public void accepted(AcceptedReading reading) {}

  @Override
  public void gap(WindowGap gap) {}

  @Override
  public void sparkplugCommand(String group, String node, String device, Command command) {}

  @Override
  public void rebirth(String group, String node) {}

  @Override
  public void rejected(String topic, byte[] payload, RejectReason reason, String detail) {}
}
