package dev.fieldline.schema;

import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.util.List;
import java.util.Map;

/**
 * Every Kafka topic of a regional cluster. Each region has the same set; no other class spells a
 * topic name. Dead-letter topics are {@link Topic#deadLetterTopic()} of the topic they belong to.
 */
public final class Topics {
  /** Windowed summaries from the edge agents, keyed by deviceId. */
  public static final Topic<EdgeSummary> EDGE_SUMMARIES =
      new Topic<>("edge.summaries", "deviceId", EdgeSummary.class, Map.of());

  /** Audit records of local decisions, keyed by deviceId. */
  public static final Topic<DecisionEvent> EDGE_DECISIONS =
      new Topic<>("edge.decisions", "deviceId", DecisionEvent.class, Map.of());

  /** The region's full roll-ups, keyed by scope key. */
  public static final Topic<RegionalAggregate> REGIONAL_AGGREGATES =
      new Topic<>("regional.aggregates", "scope key", RegionalAggregate.class, Map.of());

  /** What may leave the region after its residency policy, keyed by scope key. */
  public static final Topic<RegionalAggregate> REGIONAL_EXPORT =
      new Topic<>("regional.export", "scope key", RegionalAggregate.class, Map.of());

  /** Every region's export, replicated into every region, keyed by scope key. */
  public static final Topic<RegionalAggregate> GLOBAL_AGGREGATES =
      new Topic<>("global.aggregates", "scope key", RegionalAggregate.class, Map.of());

  /** Global roll-ups per (deviceType, metric) and window, keyed by deviceType|metric. */
  public static final Topic<GlobalAggregate> GLOBAL_ROLLUPS =
      new Topic<>("global.rollups", "deviceType|metric", GlobalAggregate.class, Map.of());

  /** Cross-region anomaly alerts, keyed by deviceType. */
  public static final Topic<GlobalAlert> GLOBAL_ALERTS =
      new Topic<>("global.alerts", "deviceType", GlobalAlert.class, Map.of());

  /** Learned thresholds for the edges, keyed by deviceType/metric and compacted. */
  public static final Topic<FeatureUpdate> GLOBAL_FEATURES =
      new Topic<>(
          "global.features",
          "deviceType/metric",
          FeatureUpdate.class,
          Map.of("cleanup.policy", "compact"));

  private Topics() {}

  /** Every topic a regional cluster needs, without dead-letter topics. */
  public static List<Topic<?>> all() {
    return List.of(
        EDGE_SUMMARIES,
        EDGE_DECISIONS,
        REGIONAL_AGGREGATES,
        REGIONAL_EXPORT,
        GLOBAL_AGGREGATES,
        GLOBAL_ROLLUPS,
        GLOBAL_ALERTS,
        GLOBAL_FEATURES);
  }

  /** Every dead-letter topic name of a regional cluster. */
  public static List<String> deadLetterTopics() {
    return all().stream().map(Topic::deadLetterTopic).toList();
  }

  /** Header naming the region a replicated record was measured in. */
  public static final String ORIGIN_REGION_HEADER = "fieldline.origin-region";

  /** The key of {@link #GLOBAL_FEATURES} records. */
  public static String featureKey(String deviceType, String metric) {
    return deviceType + "/" + metric;
  }
}
