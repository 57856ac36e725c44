package dev.fieldline.edge.core;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a vendor's JSON payload keeps a reading's parts, as JSON Pointers (RFC 6901), so that the
 * agent reads it without code. Built only through {@link #builder()}, which refuses a bad mapping
 * naming the setting and its expression.
 *
 * @param deviceId the device id (a string or an integer), or null to take it from the topic
 * @param deviceType the device type, or null for the default type
 * @param unit the unit, or null
 * @param timestamp the reading's time
 * @param timestampUnit how {@code timestamp} is written
 * @param sequence the device's message sequence number (an integer)
 * @param namedMetrics metric name to where its value is; a metric absent from a message is skipped
 * @param metricsObject an object whose numeric members are metrics (others are not), or null
 * @param metricsArray an array of metric objects, or null
 * @param metricName within an element of {@code metricsArray}, the metric's name
 * @param metricValue within an element of {@code metricsArray}, the metric's value
 */
public record PayloadMapping(
    JsonPointer deviceId,
    JsonPointer deviceType,
    JsonPointer unit,
    JsonPointer timestamp,
    TimestampUnit timestampUnit,
    JsonPointer sequence,
    Map<String, JsonPointer> namedMetrics,
    JsonPointer metricsObject,
    JsonPointer metricsArray,
    JsonPointer metricName,
    JsonPointer metricValue) {

  public PayloadMapping {
    namedMetrics = Map.copyOf(namedMetrics);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the settings as written in config; {@link #build()} checks them together. */
  public static final class Builder {
    private String prefix = "ingest.mapping.";
    private String deviceId = "";
    private String deviceType = "";
    private String unit = "";
    private String timestamp = "";
    private String timestampUnit = TimestampUnit.EPOCH_MILLIS.configName();
    private String sequence = "";
    private final Map<String, String> namedMetrics = new LinkedHashMap<>();
    private String metricsObject = "";
    private String metricsArray = "";
    private String metricName = "";
    private String metricValue = "";

    /** The settings' key prefix, for error messages. */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    public Builder deviceId(String pointer) {
      this.deviceId = pointer;
      return this;
    }

    public Builder deviceType(String pointer) {
      this.deviceType = pointer;
      return this;
    }

    public Builder unit(String pointer) {
      this.unit = pointer;
      return this;
    }

    public Builder timestamp(String pointer, String unitName) {
      this.timestamp = pointer;
      this.timestampUnit = unitName;
      return this;
    }

    public Builder sequence(String pointer) {
      this.sequence = pointer;
      return this;
    }

    public Builder metric(String name, String pointer) {
      this.namedMetrics.put(name, pointer);
      return this;
    }

    public Builder metricsObject(String pointer) {
      this.metricsObject = pointer;
      return this;
    }

    public Builder metricsArray(String pointer, String namePointer, String valuePointer) {
      this.metricsArray = pointer;
      this.metricName = namePointer;
      this.metricValue = valuePointer;
      return this;
    }

    /**
     * The mapping.
     *
     * @throws IllegalArgumentException naming the first bad setting and its expression
     */
    public PayloadMapping build() {
      Map<String, JsonPointer> metrics = new LinkedHashMap<>();
      namedMetrics.forEach(
          (name, pointer) -> {
            if (!Identifiers.valid(name)) {
              throw new IllegalArgumentException(
                  prefix + "metrics: '" + name + "' is not a valid metric name");
            }
            metrics.put(name, required("metrics." + name, pointer));
          });
      JsonPointer array = optional("metrics-array", metricsArray);
      JsonPointer name = optional("metric-name", metricName);
      JsonPointer value = optional("metric-value", metricValue);
      if (array != null && (name == null || value == null)) {
        throw new IllegalArgumentException(
            prefix
                + "metrics-array needs metric-name and metric-value (pointers within an element)");
      }
      if (array == null && (name != null || value != null)) {
        throw new IllegalArgumentException(
            prefix + "metric-name and metric-value apply to metrics-array, which is not set");
      }
      JsonPointer object = optional("metrics-object", metricsObject);
      if (metrics.isEmpty() && object == null && array == null) {
        throw new IllegalArgumentException(
            prefix + "metrics: set metrics (name: pointer), metrics-object or metrics-array");
      }
      TimestampUnit parsedUnit;
      try {
        parsedUnit = TimestampUnit.of(timestampUnit);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(prefix + "timestamp-unit: " + e.getMessage());
      }
      return new PayloadMapping(
          optional("device-id", deviceId),
          optional("device-type", deviceType),
          optional("unit", unit),
          required("timestamp", timestamp),
          parsedUnit,
          required("sequence", sequence),
          metrics,
          object,
          array,
          name,
          value);
    }

    private JsonPointer required(String key, String expression) {
      if (expression == null || expression.isBlank()) {
        throw new IllegalArgumentException(prefix + key + ": required (a JSON Pointer, e.g. /ts)");
      }
      return compile(key, expression);
    }

    private JsonPointer optional(String key, String expression) {
      return expression == null || expression.isBlank() ? null : compile(key, expression);
    }

    private JsonPointer compile(String key, String expression) {
      if (!expression.startsWith("/")) {
        throw new IllegalArgumentException(
            prefix + key + ": '" + expression + "' is not a JSON Pointer (it must start with /)");
      }
      try {
        return JsonPointer.compile(expression);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            prefix + key + ": '" + expression + "' is not a JSON Pointer: " + e.getMessage());
      }
    }
  }
}
