package dev.fieldline.regional.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the region knows about one device: where it is, when it was last seen, its last summary per
 * metric and its most recent local decisions. Served as JSON by the health queries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class DeviceHealth {
  public String deviceId;
  public String siteId;
  public String deviceType;
  public String gatewayId;
  public String region;

  /** End of the latest summary window, or time of the latest decision, epoch millis. */
  public long lastSeen;

  public long summaries;
  public long decisions;

  /** Readings the device sent that never reached its edge (sequence gaps), all metrics. */
  public long missing;

  /** Times the device's sequence started over, as its most-reporting metric saw them. */
  public long restarts;

  public Map<String, MetricSnapshot> metrics = new LinkedHashMap<>();
  public List<DecisionSnapshot> recentDecisions = new ArrayList<>();

  /** The latest summary of one metric. */
  public static final class MetricSnapshot {
    public long windowStart;
    public long windowEnd;
    public long count;
    public double mean;
    public double min;
    public double max;
    public long lastSeq;
    public long anomalies;

    /** Missing readings of this metric over every summary so far. */
    public long missing;

    /** Device restarts seen on this metric over every summary so far. */
    public long restarts;
  }

  /** One local decision, newest first in {@link #recentDecisions}. */
  public static final class DecisionSnapshot {
    public String ruleId;
    public String action;
    public String metric;
    public double value;
    public String reason;
    public long readingSeq;
    public long decidedAt;
    public Long featureVersion;
  }
}
