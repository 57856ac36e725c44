package dev.fieldline.edge.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT topic with {@code {siteId}} and {@code {deviceId}} placeholders, e.g. {@code
 * sites/{siteId}/devices/{deviceId}/telemetry}: it matches incoming topics, renders outgoing ones,
 * and gives the subscription filter ({@code sites/+/devices/+/telemetry}).
 */
public final class TopicTemplate {
  private static final String SITE = "{siteId}";
  private static final String DEVICE = "{deviceId}";

  private final String template;
  private final String[] segments;
  private final int siteIndex;
  private final int deviceIndex;

  public TopicTemplate(String template) {
    this.template = template;
    this.segments = template.split("/", -1);
    int site = -1;
    int device = -1;
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals(SITE)) {
        site = i;
      } else if (segments[i].equals(DEVICE)) {
        device = i;
      } else if (segments[i].contains("{")
          || segments[i].contains("+")
          || segments[i].contains("#")) {
        throw new IllegalArgumentException(
            "topic template '" + template + "': only {siteId} and {deviceId} may be placeholders");
      }
    }
    if (site < 0 || device < 0) {
      throw new IllegalArgumentException(
          "topic template '" + template + "' needs both {siteId} and {deviceId}");
    }
    this.siteIndex = site;
    this.deviceIndex = device;
  }

  /** The subscription filter, with {@code +} for each placeholder. */
  public String filter() {
    return template.replace(SITE, "+").replace(DEVICE, "+");
  }

  /** The subscription filter for one site's devices, e.g. {@code sites/s1/devices/+/telemetry}. */
  public String filter(String siteId) {
    return render(siteId, "+");
  }

  public String render(String siteId, String deviceId) {
    List<String> parts = new ArrayList<>(List.of(segments));
    parts.set(siteIndex, siteId);
    parts.set(deviceIndex, deviceId);
    return String.join("/", parts);
  }

  /**
   * Matches a topic and writes the site and device ids into {@code out} (index 0 and 1).
   *
   * @return false when the topic does not have this template's shape
   */
  public boolean match(String topic, String[] out) {
    int segment = 0;
    int start = 0;
    int length = topic.length();
    for (int i = 0; i <= length; i++) {
      if (i == length || topic.charAt(i) == '/') {
        if (segment >= segments.length) {
          return false;
        }
        if (segment == siteIndex) {
          out[0] = topic.substring(start, i);
        } else if (segment == deviceIndex) {
          out[1] = topic.substring(start, i);
        } else if (!topic.regionMatches(start, segments[segment], 0, i - start)
            || segments[segment].length() != i - start) {
          return false;
        }
        segment++;
        start = i + 1;
      }
    }
    return segment == segments.length && !out[0].isEmpty() && !out[1].isEmpty();
  }

  @Override
  public String toString() {
    return template;
  }
}
