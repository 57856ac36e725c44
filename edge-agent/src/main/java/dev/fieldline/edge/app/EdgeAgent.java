package dev.fieldline.edge.app;

import dev.fieldline.edge.config.EdgeConfig;
import dev.fieldline.edge.config.RulesFile;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.FilterReason;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.core.TopicTemplate;
import dev.fieldline.edge.io.CommandCodec;
import dev.fieldline.edge.io.DeadLetterFile;
import dev.fieldline.edge.io.DeadLetterSink;
import dev.fieldline.edge.io.DecisionLoop;
import dev.fieldline.edge.io.DecisionPathWarmUp;
import dev.fieldline.edge.io.EdgeTracing;
import dev.fieldline.edge.io.FeatureBoard;
import dev.fieldline.edge.io.FeatureSubscriber;
import dev.fieldline.edge.io.InboundQueue;
import dev.fieldline.edge.io.Journal;
import dev.fieldline.edge.io.JournalWriter;
import dev.fieldline.edge.io.KafkaUplink;
import dev.fieldline.edge.io.MqttGateway;
import dev.fieldline.edge.sparkplug.SparkplugOutcome;
import dev.fieldline.support.http.HealthReport;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.tracing.Telemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running edge agent. {@link #start()} opens the journal, restores open windows, starts the
 * journal writer, the Kafka uplink, the feature subscriber, the decision thread, the MQTT
 * connection and the HTTP endpoint, in that order; {@link #close()} stops them in reverse.
 */
public final class EdgeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeAgent.class);

  private final EdgeConfig config;
  private final RulesFile rules;
  private final CoreCounters counters = new CoreCounters();
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Histogram latencies = new Histogram(3);
  private final Histogram ackLatencies = new Histogram(3);
  private static final int MISSING_DEVICES_SHOWN = 20;
  private Journal journal;
  private JournalWriter writer;
  private KafkaUplink uplink;
  private FeatureBoard features;
  private FeatureSubscriber featureSubscriber;
  private MqttGateway mqtt;
  private DeadLetterSink deadLetters;
  private DecisionLoop loop;
  private OpsHttpServer http;
  private final OpenTelemetry openTelemetry;
  private final boolean ownsTelemetry;
  private final EdgeTracing tracing;

  public EdgeAgent(EdgeConfig config, RulesFile rules) {
    this(config, rules, null);
  }

  /**
   * An agent whose spans go to {@code openTelemetry} (the demo shares one across its services);
   * null builds one from the config's {@code tracing} settings.
   */
  public EdgeAgent(EdgeConfig config, RulesFile rules, OpenTelemetry openTelemetry) {
    this.config = config;
    this.rules = rules;
    this.ownsTelemetry = openTelemetry == null;
    this.openTelemetry =
        openTelemetry == null
            ? Telemetry.create("fieldline-edge-" + config.gatewayId, config.tracing)
            : openTelemetry;
    this.tracing =
        new EdgeTracing(this.openTelemetry, config.tracing, config.gatewayId, config.region);
  }

  public EdgeAgent start() throws Exception {
    Path data = config.dataPath();
    journal = new Journal(data.resolve("journal.db"), config.journal.durability);
    journal.leaveCheckpointsToOthers(); // the uplink's connection runs them
    var restored = journal.openReadings();
    var restoredGaps = journal.openGaps();
    writer =
        new JournalWriter(
            journal, config.journal.maxBytes, config.journal.maxBatch, config.journal.commitDelay);
    uplink =
        new KafkaUplink(
            new Journal(data.resolve("journal.db"), config.journal.durability),
            writer,
            config.region,
            config.kafkaConfig(),
            config.hasSecondary()
                ? new KafkaUplink.Secondary(
                    config.uplink.secondary.region,
                    config.secondaryKafkaConfig(),
                    config.uplink.secondary.failoverAfter)
                : null,
            config.uplink.batchSize,
            config.uplink.retry.policy());
    features = new FeatureBoard(data.resolve("features.bin"));
    if (config.features.enabled) {
      featureSubscriber = new FeatureSubscriber(config.kafkaConfig(), features);
    }
    InboundQueue handoff = new InboundQueue(config.mqtt.receiveMaximum + 1_024);
    mqtt = new MqttGateway(config.mqttSettings(), handoff);
    DeadLetterFile file =
        config.deadLetters.file.isBlank()
            ? null
            : new DeadLetterFile(
                data.resolve(config.deadLetters.file),
                config.deadLetters.fileMaxBytes,
                config.deadLetters.fileKeep);
    deadLetters = new DeadLetterSink(mqtt, config.deadLetters.mqttTopic, file);
    CoreSettings coreSettings = config.coreSettings(rules);
    CommandCodec commandCodec = new CommandCodec(config.commands.format);
    TopicTemplate commandTopic = new TopicTemplate(config.commands.topic);
    warmUp(coreSettings, commandCodec, commandTopic);
    loop =
        new DecisionLoop(
            coreSettings,
            features,
            counters,
            handoff,
            mqtt,
            writer,
            deadLetters,
            commandCodec,
            commandTopic,
            config.commands.qos,
            restored,
            restoredGaps,
            tracing);
    loop.start();
    mqtt.start();
    bindMetrics();
    http = OpsHttpServer.start(config.http, metrics, this::health);
    http.statusPage("edge agent " + config.gatewayId, config, metrics, this::health);
    log.info(
        "edge agent {} started: MQTT {}, region {} at {}, {} rules, {} filters",
        config.gatewayId,
        config.mqtt.serverUri,
        config.region,
        config.uplink.bootstrapServers,
        rules.rules().size(),
        rules.filters().size());
    return this;
  }

  /** Before the first reading can arrive; a failure only costs the first readings' latency. */
  private static void warmUp(CoreSettings settings, CommandCodec codec, TopicTemplate topic) {
    try {
      DecisionPathWarmUp.Result warm = DecisionPathWarmUp.run(settings, codec, topic);
      log.info(
          "decision path warmed up in {} ms: {} made-up readings, {} commands, {} summaries",
          warm.took().toMillis(),
          warm.readings(),
          warm.commands(),
          warm.summaries());
    } catch (RuntimeException e) {
      log.warn("decision path warm-up failed; the first readings will be slower", e);
    }
  }

  /**
   * Ready when MQTT is connected and the journal accepts data; degraded for a while after readings
   * went missing before the agent; details tell the uplink state and which devices lost readings.
   */
  public HealthReport health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("gatewayId", config.gatewayId);
    details.put("mqtt", mqtt != null && mqtt.isConnected() ? "connected" : "disconnected");
    details.put("uplink", uplink == null ? "STARTING" : uplink.state().name());
    details.put("journalDepth", writer == null ? 0 : writer.outboxCount());
    details.put("journalBytes", writer == null ? 0 : writer.outboxBytes());
    details.put("journalFull", writer != null && writer.isFull());
    details.put("openWindows", loop == null ? 0 : loop.openWindows());
    details.put("features", features == null ? 0 : features.all().size());
    details.put("received", counters.received.sum());
    details.put("accepted", counters.accepted.sum());
    details.put("rejected", counters.rejectedTotal());
    details.put("filtered", counters.filteredTotal());
    details.put("missing", counters.missing.sum());
    details.put("deviceRestarts", counters.restarts.sum());
    details.put("mqttSessionsLost", mqtt == null ? 0 : mqtt.sessionsLost.sum());
    boolean ready =
        mqtt != null
            && mqtt.isConnected()
            && writer != null
            && writer.failure() == null
            && !writer.isFull();
    // Device ids only to callers allowed device data (http.access.data-roles).
    return new HealthReport(
        ready,
        details,
        degraded(),
        Map.of("missingByDevice", counters.missingByDevice(MISSING_DEVICES_SHOWN)));
  }

  private List<String> degraded() {
    List<String> reasons = new ArrayList<>();
    long lastMissing = counters.lastMissingAt();
    long since = System.currentTimeMillis() - config.ingest.missingDegradesFor.toMillis();
    if (lastMissing != Long.MIN_VALUE && lastMissing >= since) {
      reasons.add(
          counters.missing.sum()
              + " readings of "
              + counters.devicesWithMissing()
              + " devices went missing before the agent (sequence gaps), the last at "
              + Instant.ofEpochMilli(lastMissing)
              + ": check the broker's queue limits (see missingByDevice)");
    }
    return reasons;
  }

  private void bindMetrics() {
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    counter("fieldline_edge_messages_total", counters.messages);
    counter("fieldline_edge_readings_received_total", counters.received);
    counter("fieldline_edge_readings_accepted_total", counters.accepted);
    counter("fieldline_edge_anomalies_total", counters.anomalies);
    counter("fieldline_edge_decisions_total", counters.decisions);
    counter("fieldline_edge_commands_total", counters.commands);
    counter("fieldline_edge_summaries_total", counters.summaries);
    counter(
        "fieldline_edge_readings_missing_total",
        "readings the devices sent that never reached the agent (sequence gaps)",
        counters.missing);
    counter(
        "fieldline_edge_device_restarts_total",
        "times a device's sequence started over",
        counters.restarts);
    counter(
        "fieldline_edge_mqtt_sessions_lost_total",
        "connections on which the broker no longer had the agent's session",
        mqtt.sessionsLost);
    counter("fieldline_edge_uplink_sent_total", uplink.sent);
    counter("fieldline_edge_uplink_failed_batches_total", uplink.failedBatches);
    counter("fieldline_edge_uplink_secondary_sent_total", uplink.sentToSecondary);
    counter("fieldline_edge_uplink_failovers_total", uplink.failovers);
    counter("fieldline_edge_journal_dropped_decisions_total", writer.droppedDecisions);
    counter("fieldline_edge_dead_letters_dropped_total", deadLetters.dropped);
    counter("fieldline_edge_mqtt_publish_failures_total", mqtt.publishFailures);
    counter("fieldline_edge_mqtt_reconnects_total", mqtt.reconnects);
    Gauge.builder(
            "fieldline_edge_features_age_seconds",
            features,
            board -> board.newestAgeSeconds(System.currentTimeMillis()))
        .description("age of the newest learned feature update at this edge; -1 for none")
        .register(metrics);
    FunctionCounter.builder(
            "fieldline_edge_traceparent_malformed_total",
            tracing,
            EdgeTracing::malformedTraceParents)
        .description("device-supplied traceparent values ignored as malformed")
        .register(metrics);
    counter(
        "fieldline_edge_sparkplug_rebirths_requested_total",
        "Sparkplug B rebirth requests sent to edge nodes (sequence gaps, data before births)",
        counters.rebirthsRequested);
    counter(
        "fieldline_edge_sparkplug_metrics_ignored_total",
        "Sparkplug B metrics of types that are not numbers",
        counters.sparkplugMetricsIgnored);
    for (SparkplugOutcome.Kind kind : SparkplugOutcome.Kind.values()) {
      FunctionCounter.builder(
              "fieldline_edge_sparkplug_messages_total", counters, c -> c.sparkplug(kind))
          .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .register(metrics);
    }
    for (RejectReason reason : RejectReason.values()) {
      FunctionCounter.builder(
              "fieldline_edge_readings_rejected_total", counters, c -> c.rejected(reason))
          .tag("reason", reason.code())
          .register(metrics);
    }
    for (FilterReason reason : FilterReason.values()) {
      FunctionCounter.builder(
              "fieldline_edge_readings_filtered_total", counters, c -> c.filtered(reason))
          .tag("reason", reason.code())
          .register(metrics);
    }
    gauge("fieldline_edge_journal_depth", w -> w.outboxCount());
    gauge("fieldline_edge_journal_bytes", w -> w.outboxBytes());
    gauge("fieldline_edge_journal_full", w -> w.isFull() ? 1 : 0);
    Gauge.builder(
            "fieldline_edge_uplink_up", uplink, u -> u.state() == KafkaUplink.State.UP ? 1 : 0)
        .register(metrics);
    Gauge.builder(
            "fieldline_edge_uplink_failed_over",
            uplink,
            u -> u.state() == KafkaUplink.State.FAILED_OVER ? 1 : 0)
        .register(metrics);
    Gauge.builder("fieldline_edge_mqtt_connected", mqtt, m -> m.isConnected() ? 1 : 0)
        .register(metrics);
    Gauge.builder("fieldline_edge_open_windows", loop, l -> l.openWindows()).register(metrics);
    Gauge.builder("fieldline_edge_decision_latency_p50_seconds", this, a -> a.latency(50))
        .register(metrics);
    Gauge.builder("fieldline_edge_decision_latency_p99_seconds", this, a -> a.latency(99))
        .register(metrics);
    Gauge.builder("fieldline_edge_ack_latency_p50_seconds", this, a -> a.ackLatency(50))
        .register(metrics);
    Gauge.builder("fieldline_edge_ack_latency_p99_seconds", this, a -> a.ackLatency(99))
        .register(metrics);
  }

  /** Receipt to MQTT acknowledgement percentile since start, in seconds. */
  private synchronized double ackLatency(double percentile) {
    return seconds(ackLatencies, loop.ackLatencySnapshot(), percentile);
  }

  /** Decision latency percentile since start, in seconds. */
  private synchronized double latency(double percentile) {
    return seconds(latencies, loop.latencySnapshot(), percentile);
  }

  /** Adds the interval's nanoseconds to the total since start; the percentile of it, in seconds. */
  private static double seconds(Histogram sinceStart, Histogram interval, double percentile) {
    sinceStart.add(interval);
    return sinceStart.getTotalCount() == 0 ? 0 : sinceStart.getValueAtPercentile(percentile) / 1e9;
  }

  private void counter(String name, LongAdder adder) {
    counter(name, null, adder);
  }

  private void counter(String name, String description, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(metrics);
  }

  private void gauge(String name, ToDoubleFunction<JournalWriter> value) {
    Gauge.builder(name, writer, value).register(metrics);
  }

  /** The agent's tracing: its counters, e.g. malformed device trace contexts. */
  public EdgeTracing tracing() {
    return tracing;
  }

  public CoreCounters counters() {
    return counters;
  }

  public FeatureBoard features() {
    return features;
  }

  public KafkaUplink uplink() {
    return uplink;
  }

  public JournalWriter journal() {
    return writer;
  }

  public int httpPort() {
    return http.port();
  }

  public boolean mqttConnected() {
    return mqtt != null && mqtt.isConnected();
  }

  @Override
  public void close() {
    closeQuietly(http);
    closeQuietly(mqtt);
    closeQuietly(loop);
    closeQuietly(deadLetters);
    closeQuietly(featureSubscriber);
    try {
      if (writer != null && !writer.flush(5_000)) {
        log.warn("journal writer did not catch up before shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(writer);
    closeQuietly(uplink);
    closeQuietly(journal);
    if (ownsTelemetry) {
      Telemetry.close(openTelemetry);
    }
    metrics.close();
    log.info("edge agent {} stopped", config.gatewayId);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("error while stopping {}", closeable.getClass().getSimpleName(), e);
    }
  }
}
