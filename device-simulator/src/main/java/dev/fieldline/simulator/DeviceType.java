package dev.fieldline.simulator;

import java.util.List;
import java.util.Locale;

/**
 * The kinds of simulated device, each with the metrics it reports and how they behave: a base
 * level, a daily cycle, noise, and how far an injected anomaly pushes the value.
 */
public enum DeviceType {
  /** Cold-room chiller: temperature follows the day, around 4 °C. */
  CHILLER(List.of(new Metric("temperature", "C", 4.0, 1.5, 0.3, 6.0))),
  /** Centrifugal pump: vibration velocity and discharge pressure. */
  PUMP(
      List.of(
          new Metric("vibration", "mm/s", 2.5, 0.2, 0.25, 5.0),
          new Metric("pressure", "bar", 4.0, 0.1, 0.08, 1.5))),
  /** Air compressor: outlet pressure and oil temperature. */
  COMPRESSOR(
      List.of(
          new Metric("pressure", "bar", 7.5, 0.2, 0.15, 3.0),
          new Metric("temperature", "C", 70.0, 3.0, 0.8, 25.0)));

  /**
   * One metric's behaviour.
   *
   * @param name metric name in the payload
   * @param unit unit of the values
   * @param base mean level
   * @param dailyAmplitude amplitude of the 24 h cycle
   * @param noise standard deviation of the Gaussian noise
   * @param anomalyOffset how far an injected anomaly moves the value (many noise deviations)
   */
  public record Metric(
      String name,
      String unit,
      double base,
      double dailyAmplitude,
      double noise,
      double anomalyOffset) {

    /** The undisturbed value at a wall-clock time, for a device whose cycle is shifted by phase. */
    double value(long epochMillis, double phase, double gaussian) {
      double day = 2 * Math.PI * (epochMillis % 86_400_000L) / 86_400_000.0;
      return base + dailyAmplitude * Math.sin(day + phase) + noise * gaussian;
    }
  }

  private final List<Metric> metrics;

  DeviceType(List<Metric> metrics) {
    this.metrics = metrics;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  /** The name devices send in their payload's {@code type} field. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type whose {@link #id()} this is. */
  public static DeviceType fromId(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
