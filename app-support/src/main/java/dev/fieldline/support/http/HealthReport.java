package dev.fieldline.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code /health} says: whether the service is ready, why it is degraded if it is (working,
 * but something needs a look, e.g. data lost before it), and named details (connection states,
 * queue depths...). Details must never hold secrets; details that name devices are kept apart and
 * shown only to callers allowed device data.
 *
 * @param ready true when the service does its job
 * @param details named values shown as JSON
 * @param degraded why a ready service needs attention; empty when nothing does
 * @param deviceDetails named values that name devices
 */
public record HealthReport(
    boolean ready,
    Map<String, Object> details,
    List<String> degraded,
    Map<String, Object> deviceDetails) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public HealthReport {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    degraded = List.copyOf(degraded);
    deviceDetails = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(deviceDetails));
  }

  public HealthReport(boolean ready, Map<String, Object> details, List<String> degraded) {
    this(ready, details, degraded, Map.of());
  }

  public HealthReport(boolean ready, Map<String, Object> details) {
    this(ready, details, List.of());
  }

  /** UP, DEGRADED (ready, with reasons) or DOWN. */
  public String status() {
    return !ready ? "DOWN" : degraded.isEmpty() ? "UP" : "DEGRADED";
  }

  /** Everything, device details included. */
  public String toJson() {
    return toJson(true);
  }

  /** Status, reasons and details; device details only if {@code withDeviceDetails}. */
  public String toJson(boolean withDeviceDetails) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status());
    if (!degraded.isEmpty()) {
      body.put("degraded", degraded);
    }
    body.putAll(details);
    if (withDeviceDetails) {
      body.putAll(deviceDetails);
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      return "{\"status\":\"" + status() + "\"}";
    }
  }
}
