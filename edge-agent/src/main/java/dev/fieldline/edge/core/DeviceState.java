package dev.fieldline.edge.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the core knows about one device: where it is, its sequence numbers, its metrics. */
final class DeviceState {
  final String deviceId;
  String siteId;
  String deviceType;
  final SequenceTracker sequence = new SequenceTracker();

  /** The latest event time this device reported: its windows close as it moves on. */
  long eventWatermark = Long.MIN_VALUE;

  /** Sparkplug B: the edge node it speaks through (commands go back as NCMD/DCMD); else null. */
  String sparkplugNode;

  /**
   * Declared offline (Sparkplug B death) and not heard from since: its windows close without
   * waiting for its silence.
   */
  boolean offline;

  /** Gateway clock when it was last heard from: a silent device's windows close by wall clock. */
  long lastHeard;

  final Map<String, MetricState> metrics = new HashMap<>(4);

  /** The same metrics, walked by index on every window-closing tick. */
  final List<MetricState> metricList = new ArrayList<>(4);

  DeviceState(String deviceId, String siteId, String deviceType) {
    this.deviceId = deviceId;
    this.siteId = siteId;
    this.deviceType = deviceType;
  }
}
