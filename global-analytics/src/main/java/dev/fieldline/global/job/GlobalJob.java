package dev.fieldline.global.job;

import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.GlobalRollup;
import dev.fieldline.global.model.InboundRecord;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.GlobalAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The global analytics job, built by a pure function of its configuration:
 *
 * <pre>
 *  regional.export (region r) ─▶ decode ─┬─▶ replicas (bytes as read) ─▶ replicate-r-to-<each region> ─▶ global.aggregates
 *                                        │   one exactly-once sink per (from, to), chained to the source
 *            (bad records ─▶ regional.export.dlq of region r)
 *                                        └─▶ device-type aggregates ─▶ watermarks-r (one task over all of r's partitions)
 *                                                                           │
 *             ┌─────────────────────────────────────────────────────────────┘
 *             ├─▶ global roll-up (event-time windows) ─▶ global.rollups ───┐ one exactly-once
 *             │                    └─▶ features ──────▶ global.features ──┤ sink per region
 *             └─▶ cross-region alerts ────────────────▶ global.alerts ────┘ (sink-<region>)
 * </pre>
 *
 * Every operator has a name and a uid that never changes, so savepoints restore across versions.
 */
public final class GlobalJob {
  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);
  private static final OutputTag<ExportedAggregate> LATE = new OutputTag<>("late-for-rollup") {};

  private GlobalJob() {}

  /**
   * Flink settings the job needs: checkpoints, restarts, and for local runs the metrics endpoint.
   */
  public static Configuration configuration(GlobalConfig config) {
    Configuration flink = new Configuration();
    flink.set(PipelineOptions.NAME, config.jobName);
    // Chained operators hand records over without a defensive copy; no function keeps its input.
    flink.set(PipelineOptions.OBJECT_REUSE, true);
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpoints.interval);
    flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    flink.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, config.checkpoints.minPause);
    flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, config.checkpoints.timeout);
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (!config.checkpoints.directory.isBlank()) {
      flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpoints.directory);
    }
    // Exponential backoff that resets after a quiet period, not fixed-delay's count over the job's
    // whole life: that one failed the job for good at its eleventh TaskManager loss, however far
    // apart the losses were (and a failure rate fails it in a burst of machine losses).
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        config.runtime.restartDelay);
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
        config.runtime.restartMaxDelay);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
        config.runtime.restartInterval);
    flink.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
        config.runtime.restartAttempts == 0 ? Integer.MAX_VALUE : config.runtime.restartAttempts);
    if (config.runtime.prometheusPort > 0) {
      flink.set(
          ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
          "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      flink.set(
          ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
          Integer.toString(config.runtime.prometheusPort));
    }
    return flink;
  }

  /** Adds the job's pipeline to the environment. */
  public static void build(StreamExecutionEnvironment env, GlobalConfig config) {
    env.configure(configuration(config), GlobalJob.class.getClassLoader());
    if (config.runtime.parallelism > 0) {
      env.setParallelism(config.runtime.parallelism);
    }

    DataStream<ExportedAggregate> deviceTypes = null;
    List<DataStream<Outbound>> deadLetters = new ArrayList<>();
    for (Region region : config.regions) {
      SingleOutputStreamOperator<ExportedAggregate> decoded =
          env.fromSource(
                  source(region, config), WatermarkStrategy.noWatermarks(), "source-" + region.name)
              .uid("source-" + region.name)
              .process(new RouteDecoded(region.name, config.tracing))
              .name("decode-" + region.name)
              .uid("decode-" + region.name);
      deadLetters.add(decoded.getSideOutput(RouteDecoded.DEAD_LETTERS));
      // One sink per (from, to) pair, chained to the source: replicas never cross a network buffer.
      DataStream<Outbound> replicas = decoded.getSideOutput(RouteDecoded.REPLICAS);
      for (Region target : config.regions) {
        String flow = "replicate-" + region.name + "-to-" + target.name;
        replicas
            .sinkTo(
                sink(
                    target,
                    TransactionalIds.replication(config.jobName, region.name, target.name),
                    config,
                    OutboundSerializer.replicating(region.name, target.name, config.tracing)))
            .name(flow)
            .uid(flow);
      }
      // Event time for the roll-ups and alerts: one watermark over all the region's partitions.
      DataStream<ExportedAggregate> timed =
          decoded
              .assignTimestampsAndWatermarks(watermarks(config))
              .setParallelism(1)
              .name("watermarks-" + region.name)
              .uid("watermarks-" + region.name);
      deviceTypes = deviceTypes == null ? timed : deviceTypes.union(timed);
    }

    SingleOutputStreamOperator<GlobalRollup> rollups =
        deviceTypes
            .keyBy(ExportedAggregate::typeAndMetric)
            .window(TumblingEventTimeWindows.of(config.rollups.windowSize))
            .sideOutputLateData(LATE)
            .aggregate(new RollupAggregate(), new StampWindow())
            .name("global-rollup")
            .uid("global-rollup");
    rollups
        .getSideOutput(LATE)
        .map(new CountLate())
        .name("late-for-rollup")
        .uid("late-for-rollup")
        .sinkTo(new DiscardingSink<>())
        .name("late-counted")
        .uid("late-counted");

    DataStream<Outbound> rollupRecords =
        rollups.map(GlobalJob::rollupRecord).name("rollup-records").uid("rollup-records");
    DataStream<Outbound> features =
        rollups
            .keyBy(GlobalRollup::typeAndMetric)
            .process(new FeatureComputer(FeatureSettings.from(config.features)))
            .name("features")
            .uid("features");
    DataStream<Outbound> alerts =
        deviceTypes
            .keyBy(aggregate -> aggregate.deviceType)
            .process(
                new CrossRegionAlerts(
                    config.alerts.anomalyRateThreshold,
                    config.alerts.minRegions,
                    config.rollups.windowSize.toMillis()))
            .name("cross-region-alerts")
            .uid("cross-region-alerts");

    DataStream<Outbound> analytics = rollupRecords.union(features, alerts);
    for (int i = 0; i < config.regions.size(); i++) {
      Region region = config.regions.get(i);
      analytics
          .union(deadLetters.get(i))
          .sinkTo(
              sink(
                  region,
                  TransactionalIds.analytics(config.jobName, region.name),
                  config,
                  new OutboundSerializer()))
          .name("sink-" + region.name)
          .uid("sink-" + region.name);
    }
  }

  static KafkaSource<InboundRecord> source(Region region, GlobalConfig config) {
    return KafkaSource.<InboundRecord>builder()
        .setProperties(region.clientProperties())
        .setTopics(Topics.REGIONAL_EXPORT.name())
        .setGroupId(config.jobName + "-" + region.name)
        .setClientIdPrefix(config.jobName + "-" + region.name)
        // The job's own offsets live in its checkpoints; committed ones serve lag monitoring and a
        // first start, which reads the region's export from the beginning.
        .setStartingOffsets(
            OffsetsInitializer.committedOffsets(
                org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
        .setDeserializer(new ExportDeserializer(region.name, config.tracing.enabled))
        .setProperty("isolation.level", "read_committed")
        .setProperty(
            "partition.discovery.interval.ms",
            Long.toString(config.kafka.partitionDiscovery.toMillis()))
        .build();
  }

  static KafkaSink<Outbound> sink(
      Region region,
      String transactionalIdPrefix,
      GlobalConfig config,
      OutboundSerializer serializer) {
    return KafkaSink.<Outbound>builder()
        .setBootstrapServers(region.bootstrapServers)
        .setKafkaProducerConfig(producerProperties(region))
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setProperty(
            "transaction.timeout.ms", Long.toString(config.kafka.transactionTimeout.toMillis()))
        .build();
  }

  /**
   * Output is visible only at checkpoints, so waiting a few milliseconds to fill larger batches
   * costs no latency that matters and saves requests; the region's client settings win.
   */
  static Properties producerProperties(Region region) {
    Properties properties = new Properties();
    properties.put("linger.ms", "10");
    properties.put("batch.size", Integer.toString(256 * 1024));
    properties.putAll(region.clientProperties());
    return properties;
  }

  /**
   * Event time is the aggregate's window start, watermarked per region ({@link RegionWatermarks}).
   * A whole-region silence counts toward a partition's idleness up to one global window, at most
   * half the idleness, as in the regional roll-up.
   */
  static WatermarkStrategy<ExportedAggregate> watermarks(GlobalConfig config) {
    long outOfOrderness = config.watermarks.outOfOrderness.toMillis();
    long idleness = config.watermarks.idleness.toMillis();
    long countedSilence = Math.min(config.rollups.windowSize.toMillis(), idleness / 2);
    return WatermarkStrategy.<ExportedAggregate>forGenerator(
            context ->
                new RegionWatermarks(
                    outOfOrderness, idleness, countedSilence, System::currentTimeMillis))
        .withTimestampAssigner((aggregate, kafkaTimestamp) -> aggregate.windowStart);
  }

  static Outbound rollupRecord(GlobalRollup rollup) {
    return Outbound.of(
        Topics.GLOBAL_ROLLUPS.name(),
        rollup.typeAndMetric(),
        ROLLUPS.encode(rollup.toAvro()),
        rollup.windowStart);
  }
}
