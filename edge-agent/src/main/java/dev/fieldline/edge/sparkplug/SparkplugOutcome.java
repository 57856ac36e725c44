package dev.fieldline.edge.sparkplug;

import java.util.List;

/**
 * What one Sparkplug B message meant to the host.
 *
 * @param kind what happened
 * @param readings the numeric values it carried (DATA and BIRTH messages)
 * @param rebirth the edge node ({@code group/node}) to send a Rebirth request, or null
 * @param reason why it was rejected, a rebirth asked for, or metrics left out; null when fine
 * @param ignoredMetrics metrics of types that are not numbers (strings, data sets, ...): counted,
 *     not read
 * @param rejectedMetrics metrics that could not be read (unknown alias, a value of another type
 *     than the birth announced)
 * @param offline the devices (Fieldline ids) a death took offline
 * @param setAsideMetrics telemetry metrics of a message set aside until a rebirth
 */
public record SparkplugOutcome(
    Kind kind,
    List<SparkplugReading> readings,
    String rebirth,
    String reason,
    int ignoredMetrics,
    int rejectedMetrics,
    List<String> offline,
    int setAsideMetrics) {

  /** What a message was. */
  public enum Kind {
    /** A birth certificate: the node or device is online, its metrics and aliases known. */
    BIRTH,
    /** Data from a node or device that was born. */
    DATA,
    /** The edge node is offline (its death matched its birth), with all its devices. */
    NODE_DEATH,
    /** One device is offline. */
    DEVICE_DEATH,
    /** A message that cannot be used as it is: before a birth, after a gap; rebirth requested. */
    OUT_OF_SEQUENCE,
    /** A node death from an earlier session (its bdSeq is not the birth's): ignored. */
    STALE_DEATH,
    /** Not a message an edge node sends to a host (commands, host state, records). */
    NOT_FOR_HOST,
    /** Not a Sparkplug B message (topic or payload). */
    MALFORMED
  }

  static SparkplugOutcome of(Kind kind) {
    return new SparkplugOutcome(kind, List.of(), null, null, 0, 0, List.of(), 0);
  }

  static SparkplugOutcome death(Kind kind, List<String> offline) {
    return new SparkplugOutcome(kind, List.of(), null, null, 0, 0, List.copyOf(offline), 0);
  }

  static SparkplugOutcome malformed(String reason) {
    return new SparkplugOutcome(Kind.MALFORMED, List.of(), null, reason, 0, 0, List.of(), 0);
  }

  static SparkplugOutcome rebirth(String node, String reason, int setAsideMetrics) {
    return new SparkplugOutcome(
        Kind.OUT_OF_SEQUENCE, List.of(), node, reason, 0, 0, List.of(), setAsideMetrics);
  }
}
