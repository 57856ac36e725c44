package dev.fieldline.regional.topology;

import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The regional aggregator's topology, as a pure function of its settings.
 *
 * <pre>
 * edge.summaries ─▶ dedup ─┬─▶ device health table ◀── edge.decisions
 *                 (future)─┼─▶ edge.summaries.dlq
 *                          └─▶ repartition by (device type, metric) ─▶ roll-up ─┬─▶ regional.aggregates
 *                                                               (site and type)   ├─▶ residency ─▶ regional.export
 *                                                                                 └─▶ late ─▶ edge.summaries.dlq
 * undecodable input ─▶ &lt;topic&gt;.dlq (deserialization handler)
 * </pre>
 *
 * <p>Under {@code exactly_once_v2} every summary counts once in the committed output: re-sent
 * summaries are dropped by the dedup store, and each window is emitted once when final.
 */
public final class RegionalTopology {
  /** Store names, for interactive queries. */
  public static final String DEVICE_HEALTH_STORE = DeviceHealthProcessors.STORE;

  private RegionalTopology() {}

  public static Topology build(RegionalSettings settings, RegionalCounters counters) {
    return build(settings, counters, () -> RegionalTracing.off());
  }

  /**
   * The topology with tracing: one {@link RegionalTracing} per roll-up task from {@code tracing}.
   */
  public static Topology build(
      RegionalSettings settings,
      RegionalCounters counters,
      java.util.function.Supplier<RegionalTracing> tracing) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> keys = Serdes.String();
    Serde<ReceivedSummary> summaries = ReceivedSummary.serde();
    addStores(builder, settings, keys);

    Serde<byte[]> bytes = Serdes.ByteArray();
    Map<String, KStream<String, Screened>> screened =
        builder.stream(
                Topics.EDGE_SUMMARIES.name(),
                Consumed.with(keys, summaries)
                    .withTimestampExtractor(new EventTimeExtractor())
                    .withName("edge-summaries"))
            .process(
                () -> new DedupProcessor(settings, counters),
                Named.as("dedup"),
                DedupProcessor.STORE)
            .split(Named.as("screen-"))
            .branch((key, s) -> s.isRejected(), Branched.as("rejected"))
            .defaultBranch(Branched.as("accepted"));
    screened
        .get("screen-rejected")
        .mapValues(Screened::rejected, Named.as("screen-rejection"))
        .process(SummaryDeadLetters::new, Named.as("rejected-to-dead-letters"))
        .to(
            Topics.EDGE_SUMMARIES.deadLetterTopic(),
            Produced.with(keys, bytes).withName("rejected-dlq"));
    KStream<String, ReceivedSummary> fresh =
        screened.get("screen-accepted").mapValues(Screened::accepted, Named.as("accepted"));

    // Summaries and decisions update the health table through one processor (it keeps the entries
    // it updates decoded); both inputs are keyed by deviceId and co-partitioned.
    KStream<String, SpecificRecord> decisions =
        builder.stream(
                Topics.EDGE_DECISIONS.name(),
                Consumed.with(keys, Topics.EDGE_DECISIONS.valueSerde())
                    .withTimestampExtractor(new EventTimeExtractor())
                    .withName("edge-decisions"))
            .mapValues(decision -> (SpecificRecord) decision, Named.as("decisions-for-health"));
    fresh
        .<SpecificRecord>mapValues(ReceivedSummary::summary, Named.as("summaries-for-health"))
        .merge(decisions, Named.as("health-inputs"))
        .process(
            () -> new DeviceHealthProcessors.Updater(settings.recentDecisions(), counters),
            Named.as("device-health"),
            DeviceHealthProcessors.STORE);

    Map<String, KStream<String, RollupResult>> rolled =
        fresh
            .selectKey(
                (deviceId, s) ->
                    ScopeKeys.deviceType(s.summary().getDeviceType(), s.summary().getMetric()),
                Named.as("key-by-device-type"))
            .repartition(
                // The summary's own bytes, not encoded again (ReceivedSummary's serde).
                Repartitioned.<String, ReceivedSummary>as("by-device-type")
                    .withKeySerde(keys)
                    .withValueSerde(summaries))
            .process(
                () -> new RollupProcessor(settings, counters, tracing.get()),
                Named.as("rollup"),
                RollupProcessor.WINDOWS_STORE,
                RollupProcessor.DEVICES_STORE,
                RollupProcessor.WATERMARK_STORE)
            .split(Named.as("rollup-"))
            .branch((key, result) -> result.isRejected(), Branched.as("late"))
            .defaultBranch(Branched.as("final"));

    rolled
        .get("rollup-late")
        .mapValues(RollupResult::rejected, Named.as("late-rejection"))
        .process(SummaryDeadLetters::new, Named.as("late-to-dead-letters"))
        .to(
            Topics.EDGE_SUMMARIES.deadLetterTopic(),
            Produced.with(keys, bytes).withName("late-dlq"));

    Serde<RegionalAggregate> aggregates = Topics.REGIONAL_AGGREGATES.valueSerde();
    KStream<String, RegionalAggregate> finals =
        rolled.get("rollup-final").mapValues(RollupResult::aggregate, Named.as("aggregate"));
    finals.to(
        Topics.REGIONAL_AGGREGATES.name(),
        Produced.with(keys, aggregates).withName("regional-aggregates"));
    finals
        .flatMap(
            (key, aggregate) -> {
              var exported = settings.residency().apply(aggregate);
              if (exported.isEmpty()) {
                counters.withheld.increment();
                return List.<KeyValue<String, RegionalAggregate>>of();
              }
              counters.exported.increment();
              return List.of(KeyValue.pair(exported.get().getKey(), exported.get()));
            },
            Named.as("residency"))
        .to(
            Topics.REGIONAL_EXPORT.name(),
            Produced.with(keys, Topics.REGIONAL_EXPORT.valueSerde()).withName("regional-export"));

    return builder.build();
  }

  /**
   * Stores whose keys are updated again and again (a window's state, a device's health, the
   * watermark) are cached, so they reach RocksDB and the changelog once per commit rather than once
   * per summary; the dedup and device-membership stores write each key once, so a cache would only
   * cost.
   */
  private static void addStores(
      StreamsBuilder builder, RegionalSettings settings, Serde<String> keys) {
    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(
                DedupProcessor.STORE, settings.dedupRetention(), Duration.ofMillis(1), false),
            keys,
            Serdes.Long()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DeviceHealthProcessors.STORE),
                keys,
                DeviceHealthProcessors.serde())
            .withCachingEnabled());
    // The roll-up holds only the open windows: small enough for memory, and changelogged like
    // every store, so a task that moves restores it.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RollupProcessor.WINDOWS_STORE),
                keys,
                RollupState.serde())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(RollupProcessor.DEVICES_STORE), keys, Serdes.Long()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RollupProcessor.WATERMARK_STORE), keys, Serdes.Long())
            .withCachingEnabled());
  }
}
