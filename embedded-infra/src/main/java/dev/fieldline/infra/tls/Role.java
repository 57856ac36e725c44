package dev.fieldline.infra.tls;

import java.util.Locale;

/**
 * What an identity is, carried in its certificate subject as the organizational unit ({@code
 * OU=device}): brokers read it to pick the identity's permissions.
 */
public enum Role {
  /** A machine publishing telemetry and receiving commands. */
  DEVICE,
  /** An edge agent: reads its sites' telemetry, commands their devices, writes to its region. */
  GATEWAY,
  /** A cloud service: a regional aggregator or the global job. */
  SERVICE,
  /** A broker (MQTT or Kafka): presents itself to clients and to its own controller. */
  BROKER,
  /** An operator: creates topics and access rules. */
  ADMIN,
  /** A metrics scraper (Prometheus): reads services' /metrics and /health, nothing else. */
  SCRAPER;

  /** The OU value, e.g. {@code gateway}. */
  public String unit() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named by an OU value, or null when it names none. */
  public static Role ofUnit(String unit) {
    for (Role role : values()) {
      if (role.unit().equals(unit)) {
        return role;
      }
    }
    return null;
  }
}
