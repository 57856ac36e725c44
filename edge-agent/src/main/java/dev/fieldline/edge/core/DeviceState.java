package dev.fieldline.edge.core;

import java.util.HashMap;
import java.util.Map;

/** What the core knows about one device: where it is, its last sequence number, its metrics. */
final class DeviceState {
  final String deviceId;
  String siteId;
  String deviceType;
  long lastSeq;
  boolean hasSeq;
  final Map<String, MetricState> metrics = new HashMap<>(4);

  DeviceState(String deviceId, String siteId, String deviceType) {
    this.deviceId = deviceId;
    this.siteId = siteId;
    this.deviceType = deviceType;
  }
}
