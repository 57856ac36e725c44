package dev.fieldline.edge.bench;

import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.FeatureLookup;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The decision core's memory per device: the heap a core holds after {@code devices} devices with
 * three metrics each sent a reading (one open window per metric, sequence state, filter state),
 * measured as the difference in live heap after full collections.
 */
final class CoreStateSize {
  static final int METRICS = 3;

  private CoreStateSize() {}

  /** Bytes of core state per device (with {@value #METRICS} metrics, one open window each). */
  static long bytesPerDevice(int devices) {
    return bytesPerDevice(devices, List.of());
  }

  /** The same with {@code rules} (e.g. an anomaly rule per metric). */
  static long bytesPerDevice(int devices, List<dev.fieldline.edge.core.rules.RuleSpec> rules) {
    long now = System.currentTimeMillis();
    String[] topics = new String[devices];
    byte[][] payloads = new byte[devices][];
    for (int d = 0; d < devices; d++) {
      topics[d] = "sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
      payloads[d] =
          ("{\"deviceId\":\"d"
                  + d
                  + "\",\"type\":\"pump\",\"ts\":"
                  + now
                  + ",\"seq\":1,\"metrics\":{\"vibration\":1.5,\"pressure\":3.2,\"temperature\":40}}")
              .getBytes(StandardCharsets.UTF_8);
    }
    long before = liveHeap();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(List.of(), rules),
            FeatureLookup.NONE,
            new CoreThroughput.BlackHole(),
            new CoreCounters());
    for (int d = 0; d < devices; d++) {
      core.onMessage(topics[d], payloads[d], System.nanoTime(), now);
    }
    long after = liveHeap();
    if (core.openWindows() != devices * METRICS) {
      throw new IllegalStateException("expected " + devices * METRICS + " open windows");
    }
    return (after - before) / devices;
  }

  private static long liveHeap() {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
