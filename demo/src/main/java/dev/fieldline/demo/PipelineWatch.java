package dev.fieldline.demo;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one region's topics the way any client would (read_committed, from the beginning) and keeps
 * what the console and the reconciliation need: summaries and the readings they count, decisions
 * and their latency, regional and exported aggregates, global copies by origin with their
 * replication lag, and the latest feature versions. Keys are deduplicated by their natural key, so
 * a record written twice would show as a mismatch, not be hidden.
 */
final class PipelineWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineWatch.class);
  private static final AvroCodec<EdgeSummary> SUMMARIES = AvroCodec.of(EdgeSummary.class);
  private static final AvroCodec<DecisionEvent> DECISIONS = AvroCodec.of(DecisionEvent.class);
  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);
  private static final AvroCodec<FeatureUpdate> FEATURES = AvroCodec.of(FeatureUpdate.class);

  final String region;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  final AtomicLong summaryRecords = new AtomicLong();
  final AtomicLong summaryReadings = new AtomicLong();

  /** Readings the summaries report missing before the edge (sequence gaps). */
  final AtomicLong summaryMissing = new AtomicLong();

  final AtomicLong summaryDuplicates = new AtomicLong();

  /**
   * Summaries the aggregator dead-lettered (late, from the future, undecodable), each once: a
   * region roll-up that falls short says why here.
   */
  final AtomicLong deadLetteredSummaries = new AtomicLong();

  final AtomicLong decisions = new AtomicLong();

  /** nanoTime when the first decision became visible in Kafka; 0 until then. */
  volatile long firstDecisionAt;

  final AtomicLong zscoreDecisions = new AtomicLong();

  /** Fired decisions of anomaly rules, matched against the simulator's episodes at the end. */
  final List<DetectionQuality.Decision> anomalyDecisions =
      java.util.Collections.synchronizedList(new ArrayList<>());

  /** The same for the shadow rules that run with the global features withheld. */
  final List<DetectionQuality.Decision> withheldDecisions =
      java.util.Collections.synchronizedList(new ArrayList<>());

  final AtomicLong regionalReadings = new AtomicLong();
  final AtomicLong regionalRecords = new AtomicLong();
  final AtomicLong exportRecords = new AtomicLong();

  /** Records in this region's global.aggregates, by the region they came from. */
  final Map<String, AtomicLong> globalByOrigin = new ConcurrentHashMap<>();

  final AtomicLong globalDuplicates = new AtomicLong();

  /** Site ids in this region's own regional.aggregates: what stays inside the region. */
  final Set<String> ownSites = ConcurrentHashMap.newKeySet();

  /** Site ids in this region's global.aggregates, by the region they came from. */
  final Map<String, Set<String>> sitesByOrigin = new ConcurrentHashMap<>();

  final Map<String, FeatureUpdate> features = new ConcurrentHashMap<>();
  final DecisionLatency decisionLatency = new DecisionLatency();

  private final Set<String> summaryKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> deadLetterKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> regionalKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> globalKeys = ConcurrentHashMap.newKeySet();

  /** When each export record first became visible (its identity → nanoTime), for the lag. */
  final Map<String, Long> exportSeenAt = new ConcurrentHashMap<>();

  private final ReplicationLag lag;

  /** Consumer groups' lag on this region's cluster. */
  final ConsumerLag consumerLag;

  PipelineWatch(String region, EmbeddedKafkaCluster kafka, ReplicationLag lag) {
    this.region = region;
    this.lag = lag;
    Map<String, Object> config = kafka.clientConfig();
    consumerLag = new ConsumerLag(config);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-watch-" + UUID.randomUUID());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(
        List.of(
            Topics.EDGE_SUMMARIES.name(),
            Topics.EDGE_SUMMARIES.deadLetterTopic(),
            Topics.EDGE_DECISIONS.name(),
            Topics.REGIONAL_AGGREGATES.name(),
            Topics.REGIONAL_EXPORT.name(),
            Topics.GLOBAL_AGGREGATES.name(),
            Topics.GLOBAL_FEATURES.name()));
    thread = new Thread(this::run, "watch-" + region);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            take(record);
          } catch (RuntimeException e) {
            log.warn(
                "cannot read {} record at offset {}: {}",
                record.topic(),
                record.offset(),
                e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    String topic = record.topic();
    if (topic.equals(Topics.EDGE_SUMMARIES.name())) {
      EdgeSummary s = SUMMARIES.decode(record.value(), topic);
      if (summaryKeys.add(NaturalKeys.of(s))) {
        summaryRecords.incrementAndGet();
        summaryReadings.addAndGet(s.getStats().getCount());
        summaryMissing.addAndGet(s.getMissingCount());
      } else {
        summaryDuplicates.incrementAndGet();
      }
    } else if (topic.equals(Topics.EDGE_SUMMARIES.deadLetterTopic())) {
      takeDeadLetter(record);
    } else if (topic.equals(Topics.EDGE_DECISIONS.name())) {
      DecisionEvent d = DECISIONS.decode(record.value(), topic);
      if (decisions.incrementAndGet() == 1) {
        firstDecisionAt = System.nanoTime();
      }
      if ("zscore".equals(d.getRuleType())) {
        zscoreDecisions.incrementAndGet();
      }
      if ("anomaly".equals(d.getRuleType()) && !"clear".equals(d.getAction())) {
        (d.getRuleId().endsWith(DetectionQuality.WITHHELD_SUFFIX)
                ? withheldDecisions
                : anomalyDecisions)
            .add(
                new DetectionQuality.Decision(
                    d.getDeviceId(),
                    d.getMetric(),
                    d.getReadingSeq(),
                    d.getReadingEventTime().toEpochMilli()));
      }
      decisionLatency.record(d.getDecisionLatencyNanos() / 1_000);
    } else if (topic.equals(Topics.REGIONAL_AGGREGATES.name())) {
      RegionalAggregate a = AGGREGATES.decode(record.value(), topic);
      if (a.getScope() == Scope.SITE) {
        ownSites.add(a.getSiteId());
      }
      if (a.getScope() == Scope.DEVICE_TYPE && regionalKeys.add(NaturalKeys.of(a))) {
        regionalRecords.incrementAndGet();
        regionalReadings.addAndGet(a.getStats().getCount());
      }
    } else if (topic.equals(Topics.REGIONAL_EXPORT.name())) {
      RegionalAggregate a = AGGREGATES.decode(record.value(), topic);
      if (exportSeenAt.putIfAbsent(NaturalKeys.of(a), System.nanoTime()) == null) {
        exportRecords.incrementAndGet();
      }
    } else if (topic.equals(Topics.GLOBAL_AGGREGATES.name())) {
      RegionalAggregate a = AGGREGATES.decode(record.value(), topic);
      String id = NaturalKeys.of(a);
      if (a.getScope() == Scope.SITE) {
        sitesByOrigin
            .computeIfAbsent(a.getOriginRegion(), o -> ConcurrentHashMap.newKeySet())
            .add(a.getSiteId());
      }
      if (globalKeys.add(id)) {
        globalByOrigin
            .computeIfAbsent(a.getOriginRegion(), o -> new AtomicLong())
            .incrementAndGet();
        if (!a.getOriginRegion().equals(region)) {
          lag.copied(a.getOriginRegion(), id);
        }
      } else {
        globalDuplicates.incrementAndGet();
      }
    } else if (topic.equals(Topics.GLOBAL_FEATURES.name())) {
      FeatureUpdate f = FEATURES.decode(record.value(), topic);
      features.merge(
          record.key(), f, (old, now) -> now.getVersion() > old.getVersion() ? now : old);
    }
  }

  /**
   * A dead letter holds the bytes the edge sent: counted by natural key, or by offset if it does
   * not decode.
   */
  private void takeDeadLetter(ConsumerRecord<String, byte[]> record) {
    String key;
    try {
      key = NaturalKeys.of(SUMMARIES.decode(record.value(), record.topic()));
    } catch (RuntimeException undecodable) {
      key = "undecodable@" + record.partition() + ":" + record.offset();
    }
    if (deadLetterKeys.add(key)) {
      deadLetteredSummaries.incrementAndGet();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
    consumerLag.close();
  }
}
