package dev.fieldline.edge.core.rules;

import dev.fieldline.edge.anomaly.DetectorSettings;
import java.util.Map;

/**
 * One local decision rule, as configured in the rules file.
 *
 * <p>A rule is <em>triggered</em> by a reading when its condition holds: for {@link
 * RuleKind#THRESHOLD} the value is above {@code above} or below {@code below} (both set: outside
 * the band); for {@link RuleKind#RATE_OF_CHANGE} the absolute change per second exceeds {@code
 * above}; for {@link RuleKind#ZSCORE} the z-score against the latest feature update exceeds {@code
 * above}; for {@link RuleKind#ANOMALY} the metric's anomaly score ({@code SeriesDetector}, from
 * this device's own history of the metric) exceeds {@code above}. It <em>fires</em> (inactive to
 * active: command {@code action}) when triggered in {@code debounceN} of the last {@code debounceM}
 * readings, and <em>clears</em> (active to inactive: optional {@code clearAction}) once the clear
 * condition holds: {@code clearAbove}/{@code clearBelow} when set (hysteresis), else simply when it
 * is no longer triggered.
 *
 * @param id unique rule id, carried by commands and decisions
 * @param kind what the rule looks at
 * @param deviceType device type it applies to, or null for all
 * @param metric metric it applies to
 * @param above trigger when greater than this (NaN: unused)
 * @param below trigger when less than this (NaN: unused; threshold rules only)
 * @param clearAbove for a below-trigger: clear when greater than this (NaN: not triggered)
 * @param clearBelow for an above-trigger: clear when less than this (NaN: not triggered)
 * @param debounceN triggered readings needed...
 * @param debounceM ...among this many latest readings
 * @param minFeatureCount z-score rules: features computed from fewer values are not used
 * @param action command action on firing
 * @param args command arguments
 * @param clearAction command action on clearing, or null for none
 * @param detector anomaly rules: how the metric's detector adapts and how long it stays quiet
 * @param shadow a rule under evaluation: its decisions are recorded as any other's, but it sends no
 *     command
 */
public record RuleSpec(
    String id,
    RuleKind kind,
    String deviceType,
    String metric,
    double above,
    double below,
    double clearAbove,
    double clearBelow,
    int debounceN,
    int debounceM,
    long minFeatureCount,
    String action,
    Map<String, String> args,
    String clearAction,
    DetectorSettings detector,
    boolean shadow) {

  public RuleSpec {
    args = Map.copyOf(args);
  }

  /** A rule that acts (not a shadow). */
  public RuleSpec(
      String id,
      RuleKind kind,
      String deviceType,
      String metric,
      double above,
      double below,
      double clearAbove,
      double clearBelow,
      int debounceN,
      int debounceM,
      long minFeatureCount,
      String action,
      Map<String, String> args,
      String clearAction,
      DetectorSettings detector) {
    this(
        id,
        kind,
        deviceType,
        metric,
        above,
        below,
        clearAbove,
        clearBelow,
        debounceN,
        debounceM,
        minFeatureCount,
        action,
        args,
        clearAction,
        detector,
        false);
  }

  /** A rule whose detector (if it is an anomaly rule) has the default settings. */
  public RuleSpec(
      String id,
      RuleKind kind,
      String deviceType,
      String metric,
      double above,
      double below,
      double clearAbove,
      double clearBelow,
      int debounceN,
      int debounceM,
      long minFeatureCount,
      String action,
      Map<String, String> args,
      String clearAction) {
    this(
        id,
        kind,
        deviceType,
        metric,
        above,
        below,
        clearAbove,
        clearBelow,
        debounceN,
        debounceM,
        minFeatureCount,
        action,
        args,
        clearAction,
        DetectorSettings.defaults());
  }

  public boolean matches(String type, String metricName) {
    return (deviceType == null || deviceType.equals(type)) && metric.equals(metricName);
  }
}
