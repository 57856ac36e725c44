package dev.fieldline.infra.mqtt;

import dev.fieldline.infra.tls.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who may do what on an edge MQTT broker, by certificate identity: a device publishes only its own
 * telemetry and subscribes only to its own commands; a gateway reads the telemetry of its sites,
 * commands their devices and publishes dead letters. Every other identity, and anything not
 * granted, is refused. The same rules as {@code deploy/mosquitto/acl} for Mosquitto.
 *
 * @param telemetryTopic telemetry topic template with {@code {siteId}} and {@code {deviceId}}
 * @param commandsTopic command topic template with {@code {siteId}} and {@code {deviceId}}
 * @param deadLetterTopic where gateways publish rejected device input; empty for none
 * @param gatewaySites each gateway identity's sites; a gateway not listed may do nothing
 */
public record MqttAccessPolicy(
    String telemetryTopic,
    String commandsTopic,
    String deadLetterTopic,
    Map<String, List<String>> gatewaySites) {
  private static final String SITE = "{siteId}";
  private static final String DEVICE = "{deviceId}";

  /** Topic filters an identity may publish to and subscribe to. */
  public record Grant(List<String> publish, List<String> subscribe) {
    public Grant {
      publish = List.copyOf(publish);
      subscribe = List.copyOf(subscribe);
    }

    public boolean isEmpty() {
      return publish.isEmpty() && subscribe.isEmpty();
    }
  }

  public MqttAccessPolicy {
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    for (String template : List.of(telemetryTopic, commandsTopic)) {
      if (!template.contains(SITE) || !template.contains(DEVICE)) {
        throw new IllegalArgumentException(
            "topic template '" + template + "' needs both " + SITE + " and " + DEVICE);
      }
    }
    gatewaySites = Map.copyOf(gatewaySites);
  }

  /** Fieldline's default topics, with the given gateways and their sites. */
  public static MqttAccessPolicy defaults(Map<String, List<String>> gatewaySites) {
    return new MqttAccessPolicy(
        "sites/{siteId}/devices/{deviceId}/telemetry",
        "sites/{siteId}/devices/{deviceId}/commands",
        "fieldline/dead-letters",
        gatewaySites);
  }

  /** What {@code identity} (a certificate's CN) in {@code role} may do; empty for nothing. */
  public Grant grantFor(String identity, Role role) {
    if (role == Role.DEVICE) {
      return new Grant(
          List.of(render(telemetryTopic, "+", identity)),
          List.of(render(commandsTopic, "+", identity)));
    }
    if (role == Role.GATEWAY && gatewaySites.containsKey(identity)) {
      List<String> publish = new ArrayList<>();
      List<String> subscribe = new ArrayList<>();
      for (String site : gatewaySites.get(identity)) {
        subscribe.add(render(telemetryTopic, site, "+"));
        publish.add(render(commandsTopic, site, "+"));
      }
      if (!deadLetterTopic.isEmpty()) {
        publish.add(deadLetterTopic);
      }
      return new Grant(publish, subscribe);
    }
    return new Grant(List.of(), List.of());
  }

  private static String render(String template, String site, String device) {
    return template.replace(SITE, site).replace(DEVICE, device);
  }
}
