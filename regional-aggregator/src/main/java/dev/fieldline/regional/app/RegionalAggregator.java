package dev.fieldline.regional.app;

import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.regional.health.DeviceQueries;
import dev.fieldline.regional.topology.DeadLetterDeserializationHandler;
import dev.fieldline.regional.topology.RegionalCounters;
import dev.fieldline.regional.topology.RegionalTopology;
import dev.fieldline.regional.topology.RegionalTracing;
import dev.fieldline.schema.TopicSetup;
import dev.fieldline.support.http.HealthReport;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.tracing.Telemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the regional aggregator: topics, the Kafka Streams topology, and the HTTP
 * endpoint (device queries, health, metrics). {@link #start()} brings them up in that order and
 * {@link #close()} takes them down in reverse.
 */
public final class RegionalAggregator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegionalAggregator.class);

  private final AggregatorConfig config;
  private final RegionalCounters counters = new RegionalCounters();
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CountDownLatch failed = new CountDownLatch(1);
  private OpsHttpServer http;
  private KafkaStreams streams;
  private KafkaStreamsMetrics streamsMetrics;

  private final OpenTelemetry openTelemetry;
  private final boolean ownsTelemetry;

  public RegionalAggregator(AggregatorConfig config) {
    this(config, null);
  }

  /**
   * An aggregator whose spans go to {@code openTelemetry} (the demo shares one across its
   * services); null builds one from the config's {@code tracing} settings.
   */
  public RegionalAggregator(AggregatorConfig config, OpenTelemetry openTelemetry) {
    this.config = config;
    this.ownsTelemetry = openTelemetry == null;
    this.openTelemetry =
        openTelemetry == null
            ? Telemetry.create("fieldline-regional-" + config.region, config.tracing)
            : openTelemetry;
  }

  public RegionalAggregator start() {
    if (config.kafka.createTopics) {
      Map<String, Object> admin = new HashMap<>(config.clientProperties());
      admin.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
      TopicSetup.createMissing(admin, config.kafka.partitions, config.kafka.replicationFactor);
    }
    http = OpsHttpServer.start(config.http, metrics, this::health);
    http.statusPage("regional aggregator " + config.region, config, metrics, this::health);
    Topology topology =
        RegionalTopology.build(
            config.toSettings(),
            counters,
            () -> new RegionalTracing(openTelemetry, config.tracing, config.region));
    log.info("region {}: topology\n{}", config.region, topology.describe());

    Properties props = config.streamsProperties(http.port());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    props.put(DeadLetterDeserializationHandler.COUNTERS_CONFIG, counters);
    streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        exception -> {
          log.error("stream thread failed; shutting this instance down", exception);
          failed.countDown();
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          log.info("Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR) {
            failed.countDown();
          }
        });
    bindMetrics();
    new DeviceQueries(streams, new HostInfo(config.advertisedHost(), http.port()), config.http)
        .register(http);
    streams.start();
    log.info(
        "regional aggregator for {} started (application {}, http port {})",
        config.region,
        config.effectiveApplicationId(),
        http.port());
    return this;
  }

  private void bindMetrics() {
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics);
    counters
        .all()
        .forEach(
            (name, adder) ->
                FunctionCounter.builder("fieldline_regional_" + name, adder, a -> a.sum())
                    .tag("region", config.region)
                    .register(metrics));
  }

  /** Ready when Kafka Streams is running (not rebalancing, not failed). */
  public HealthReport health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("region", config.region);
    KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
    details.put("streams", state.name());
    counters.all().forEach((name, adder) -> details.put(name, adder.sum()));
    return new HealthReport(state == KafkaStreams.State.RUNNING, details);
  }

  /** The Kafka Streams application id: the consumer group of every instance. */
  public String applicationId() {
    return config.effectiveApplicationId();
  }

  public int httpPort() {
    return http.port();
  }

  public RegionalCounters counters() {
    return counters;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Blocks until the instance fails (the caller then exits non-zero) or the thread is interrupted.
   */
  public void awaitFailure() throws InterruptedException {
    failed.await();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (streams != null) {
      streams.close(Duration.ofSeconds(30));
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (ownsTelemetry) {
      Telemetry.close(openTelemetry);
    }
    metrics.close();
    log.info("regional aggregator for {} stopped", config.region);
  }
}
