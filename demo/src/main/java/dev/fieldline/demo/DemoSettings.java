package dev.fieldline.demo;

import dev.fieldline.simulator.PayloadFormat;
import java.time.Duration;
import java.util.List;

/**
 * What the demo runs.
 *
 * @param regions region names, one stack each
 * @param duration how long devices publish
 * @param devicesPerRegion devices in each region's fleet
 * @param ratePerRegion messages per second of each fleet
 * @param anomalyRate share of messages with an injected anomaly
 * @param malformedRate share of spoiled messages
 * @param edgeWindow the edge agents' summary window
 * @param regionalWindow the aggregators' and the global job's window
 * @param checkpointInterval the global job's checkpoint interval
 * @param drainTimeout how long to wait, after the devices stop, for every tier to balance
 * @param secure mutual TLS and per-identity access rules on every hop, from a throwaway CA
 * @param traceRatio share of readings traced through every tier (0: tracing off)
 * @param format what the devices publish: Fieldline's JSON, or Sparkplug B through an edge node per
 *     site (the edge agents then are their host application)
 */
record DemoSettings(
    List<String> regions,
    Duration duration,
    int devicesPerRegion,
    double ratePerRegion,
    double anomalyRate,
    double malformedRate,
    String edgeWindow,
    String regionalWindow,
    Duration checkpointInterval,
    Duration drainTimeout,
    boolean secure,
    double traceRatio,
    PayloadFormat format) {

  /** Settings for devices publishing Fieldline's JSON. */
  DemoSettings(
      List<String> regions,
      Duration duration,
      int devicesPerRegion,
      double ratePerRegion,
      double anomalyRate,
      double malformedRate,
      String edgeWindow,
      String regionalWindow,
      Duration checkpointInterval,
      Duration drainTimeout,
      boolean secure,
      double traceRatio) {
    this(
        regions,
        duration,
        devicesPerRegion,
        ratePerRegion,
        anomalyRate,
        malformedRate,
        edgeWindow,
        regionalWindow,
        checkpointInterval,
        drainTimeout,
        secure,
        traceRatio,
        PayloadFormat.FIELDLINE);
  }

  /** The same settings with devices publishing {@code format}. */
  DemoSettings withFormat(PayloadFormat format) {
    return new DemoSettings(
        regions,
        duration,
        devicesPerRegion,
        ratePerRegion,
        anomalyRate,
        malformedRate,
        edgeWindow,
        regionalWindow,
        checkpointInterval,
        drainTimeout,
        secure,
        traceRatio,
        format);
  }
}
