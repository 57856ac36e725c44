package dev.fieldline.edge.bench;

import java.nio.charset.StandardCharsets;

/** Device payloads of 64 to 256 bytes, as real devices send. */
final class Payloads {
  private static final String PAD = "x".repeat(200);

  private Payloads() {}

  static byte[] reading(String device, long seq, long ts, double temperature, int variant) {
    String base =
        "{\"deviceId\":\""
            + device
            + "\",\"ts\":"
            + ts
            + ",\"seq\":"
            + seq
            + ",\"metrics\":{\"temperature\":"
            + temperature
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
