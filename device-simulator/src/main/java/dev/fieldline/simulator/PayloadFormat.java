package dev.fieldline.simulator;

import java.util.Arrays;
import java.util.Locale;

/** What the fleet publishes. */
public enum PayloadFormat {
  /** Fieldline's JSON, one message per device on the telemetry topic. */
  FIELDLINE,
  /**
   * Sparkplug B 3.0: one edge node per site (its own MQTT connection, NDEATH as its will) with the
   * site's devices; births, then data by alias; a Rebirth request answered.
   */
  SPARKPLUG;

  /** The name on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named {@code id}, or a clear error listing the ones there are. */
  public static PayloadFormat of(String id) {
    for (PayloadFormat format : values()) {
      if (format.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown payload format '"
            + id
            + "' (one of "
            + String.join(", ", Arrays.stream(values()).map(PayloadFormat::id).toList())
            + ")");
  }
}
