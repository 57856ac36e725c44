package dev.fieldline.edge.core;

import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.edge.sparkplug.SparkplugOptions;
import java.time.Duration;
import java.util.List;

/**
 * Everything the decision core needs, already validated.
 *
 * @param gatewayId this gateway, stamped on summaries and decisions
 * @param region the region this gateway sends to
 * @param telemetryTopic where readings arrive, with the site and device in the topic
 * @param defaultDeviceType the device type of messages that do not name one
 * @param maxPayloadBytes larger payloads are rejected unread
 * @param maxFuture timestamps further ahead of the gateway clock are rejected
 * @param maxPast timestamps further behind are rejected
 * @param windowSize summary window size
 * @param windowGrace how long after its end a window waits for stragglers before it closes
 * @param windowIdle a device silent this long has its windows closed by the gateway clock
 * @param reorderAllowance how far (in sequence numbers, 1 to 64) a message may arrive behind a
 *     newer one of its device and still fill its gap; a number skipped further back is missing
 * @param filters filter specs, first match wins
 * @param rules decision rules
 * @param payloadMapping how to read a vendor's JSON payloads, or null for Fieldline's own payload
 * @param sparkplug how Sparkplug B metrics are read where the specification leaves it open
 */
public record CoreSettings(
    String gatewayId,
    String region,
    TopicTemplate telemetryTopic,
    String defaultDeviceType,
    int maxPayloadBytes,
    Duration maxFuture,
    Duration maxPast,
    Duration windowSize,
    Duration windowGrace,
    Duration windowIdle,
    int reorderAllowance,
    List<FilterSpec> filters,
    List<RuleSpec> rules,
    PayloadMapping payloadMapping,
    SparkplugOptions sparkplug) {

  public static final int DEFAULT_REORDER_ALLOWANCE = 64;

  /** The largest reorder allowance the sequence tracker keeps. */
  public static final int MAX_REORDER_ALLOWANCE = SequenceTracker.MAX_ALLOWANCE;

  public CoreSettings {
    filters = List.copyOf(filters);
    rules = List.copyOf(rules);
    if (sparkplug == null) {
      sparkplug = SparkplugOptions.DEFAULTS;
    }
    if (windowSize.toMillis() <= 0) {
      throw new IllegalArgumentException("windowSize must be positive");
    }
    if (reorderAllowance < 1 || reorderAllowance > MAX_REORDER_ALLOWANCE) {
      throw new IllegalArgumentException("reorderAllowance must be 1.." + MAX_REORDER_ALLOWANCE);
    }
  }

  /**
   * Defaults for tests and benchmarks: 10-second windows, 1 s grace, 5 s idle, 64 KiB payloads, a
   * reorder allowance of {@value #DEFAULT_REORDER_ALLOWANCE}.
   */
  public static CoreSettings defaults(List<FilterSpec> filters, List<RuleSpec> rules) {
    return new CoreSettings(
        "gw-test",
        "eu-west",
        new TopicTemplate("sites/{siteId}/devices/{deviceId}/telemetry"),
        "generic",
        65_536,
        Duration.ofMinutes(5),
        Duration.ofDays(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        DEFAULT_REORDER_ALLOWANCE,
        filters,
        rules,
        null,
        SparkplugOptions.DEFAULTS);
  }

  /** The same settings reading a vendor's JSON through {@code mapping}. */
  public CoreSettings withPayloadMapping(PayloadMapping mapping) {
    return new CoreSettings(
        gatewayId,
        region,
        telemetryTopic,
        defaultDeviceType,
        maxPayloadBytes,
        maxFuture,
        maxPast,
        windowSize,
        windowGrace,
        windowIdle,
        reorderAllowance,
        filters,
        rules,
        mapping,
        sparkplug);
  }

  /** The same settings with {@code filters} instead. */
  public CoreSettings withFilters(List<FilterSpec> filters) {
    return new CoreSettings(
        gatewayId,
        region,
        telemetryTopic,
        defaultDeviceType,
        maxPayloadBytes,
        maxFuture,
        maxPast,
        windowSize,
        windowGrace,
        windowIdle,
        reorderAllowance,
        filters,
        rules,
        payloadMapping,
        sparkplug);
  }

  /** The same settings reading Sparkplug B metrics with {@code options}. */
  public CoreSettings withSparkplug(SparkplugOptions options) {
    return new CoreSettings(
        gatewayId,
        region,
        telemetryTopic,
        defaultDeviceType,
        maxPayloadBytes,
        maxFuture,
        maxPast,
        windowSize,
        windowGrace,
        windowIdle,
        reorderAllowance,
        filters,
        rules,
        payloadMapping,
        options);
  }

  public FilterSpec filterFor(String deviceType, String metric) {
    for (FilterSpec spec : filters) {
      if (spec.matches(deviceType, metric)) {
        return spec;
      }
    }
    return FilterSpec.NONE;
  }
}
