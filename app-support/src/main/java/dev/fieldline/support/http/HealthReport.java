package dev.fieldline.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /health} says: whether the service is ready, and named details (connection states,
 * queue depths...). Details must never hold secrets.
 *
 * @param ready true when the service does its job
 * @param details named values shown as JSON
 */
public record HealthReport(boolean ready, Map<String, Object> details) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public HealthReport {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public String toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "UP" : "DOWN");
    body.putAll(details);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      return "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\"}";
    }
  }
}
