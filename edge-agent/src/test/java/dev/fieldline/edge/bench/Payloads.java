package dev.fieldline.edge.bench;

import java.nio.charset.StandardCharsets;

/** Device payloads of 64 to 256 bytes (more with many metrics), as real devices send. */
final class Payloads {
  private static final String PAD = "x".repeat(200);

  /** The metrics a reading carries after its temperature (the metric the bench's rule watches). */
  private static final String[] MORE_METRICS = {"vibration", "pressure"};

  private Payloads() {}

  static byte[] reading(String device, long seq, long ts, double temperature, int variant) {
    return reading(device, seq, ts, temperature, variant, 1);
  }

  /**
   * A reading with {@code metrics} metrics: the temperature, then vibration, pressure and {@code
   * m4}, {@code m5}, ... with values that stay within every rule.
   */
  static byte[] reading(
      String device, long seq, long ts, double temperature, int variant, int metrics) {
    StringBuilder values = new StringBuilder("\"temperature\":").append(temperature);
    for (int m = 1; m < metrics; m++) {
      String name = m <= MORE_METRICS.length ? MORE_METRICS[m - 1] : "m" + (m + 1);
      values.append(",\"").append(name).append("\":").append(1 + (seq + m) % 7);
    }
    String base =
        "{\"deviceId\":\""
            + device
            + "\",\"ts\":"
            + ts
            + ",\"seq\":"
            + seq
            + ",\"metrics\":{"
            + values
            + "}";
    // Pad with an attribute the agent ignores so that sizes spread over 64..256 bytes.
    int target = 64 + Math.floorMod(variant * 37, 193);
    int pad = Math.max(0, target - base.length() - 12);
    String json =
        pad == 0
            ? base + "}"
            : base + ",\"note\":\"" + PAD.substring(0, Math.min(pad, 200)) + "\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
