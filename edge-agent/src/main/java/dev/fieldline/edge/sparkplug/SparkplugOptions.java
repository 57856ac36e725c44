package dev.fieldline.edge.sparkplug;

/**
 * How the host reads what Sparkplug B leaves to each installation.
 *
 * @param booleansAsReadings Boolean metrics become readings, true 1 and false 0 (a pump running, a
 *     door open), instead of being counted and left alone
 * @param deviceTypeMetric the String metric of a birth certificate that names the node's or
 *     device's type (Sparkplug has none of its own), e.g. {@code Properties/Device Type}; without
 *     it the type is the agent's default device type
 */
public record SparkplugOptions(boolean booleansAsReadings, String deviceTypeMetric) {
  public static final String DEFAULT_DEVICE_TYPE_METRIC = "Properties/Device Type";

  public static final SparkplugOptions DEFAULTS =
      new SparkplugOptions(false, DEFAULT_DEVICE_TYPE_METRIC);

  public SparkplugOptions {
    if (deviceTypeMetric == null || deviceTypeMetric.isBlank()) {
      throw new IllegalArgumentException("the device type metric needs a name");
    }
  }
}
