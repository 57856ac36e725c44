package dev.fieldline.edge.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * What a broker announced in its MQTT 5 CONNACK that bears on the no-loss guarantee: how many
 * unacknowledged messages it sends at once, how long it keeps the agent's session (and the readings
 * it queues for it), the highest QoS it grants. A broker's queue size is not part of MQTT: {@link
 * #warnings} names the figure the broker must be configured for instead.
 *
 * @param receiveMaximum QoS 1 messages the broker sends before it waits for acknowledgements
 * @param sessionExpiry how long the broker keeps the session after a disconnect; null when it
 *     accepted what the agent asked for
 * @param maximumQos the highest QoS the broker grants; null for 2 (nothing announced)
 * @param maximumPacketSize the largest packet it accepts; null for no limit announced
 */
public record BrokerLimits(
    int receiveMaximum, Duration sessionExpiry, Integer maximumQos, Long maximumPacketSize) {

  /** MQTT 5's default receive maximum when the broker announces none. */
  static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;

  static BrokerLimits fromConnack(MqttProperties properties) {
    if (properties == null) {
      return new BrokerLimits(DEFAULT_RECEIVE_MAXIMUM, null, null, null);
    }
    Integer receive = properties.getReceiveMaximum();
    Long expiry = properties.getSessionExpiryInterval();
    return new BrokerLimits(
        receive == null ? DEFAULT_RECEIVE_MAXIMUM : receive,
        expiry == null ? null : Duration.ofSeconds(expiry),
        properties.getMaximumQoS(),
        properties.getMaximumPacketSize());
  }

  /** The session expiry in force: the broker's if it set one, else what the agent asked for. */
  public Duration effectiveSessionExpiry(Duration requested) {
    return sessionExpiry == null ? requested : sessionExpiry;
  }

  /**
   * Why this broker will lose readings while the agent is away for {@code rideOut}; empty when
   * nothing it announced is wrong (its queue size, which MQTT does not announce, aside: see {@link
   * #queueNeeded}).
   */
  public List<String> warnings(Duration requestedExpiry, Duration rideOut) {
    List<String> warnings = new ArrayList<>();
    if (maximumQos != null && maximumQos < 1) {
      warnings.add(
          "the broker grants QoS "
              + maximumQos
              + " only: it keeps nothing for the agent while it is away, and drops what does not"
              + " fit in flight");
    }
    Duration expiry = effectiveSessionExpiry(requestedExpiry);
    if (expiry.compareTo(rideOut) < 0) {
      warnings.add(
          "the broker keeps this session for "
              + expiry
              + " after a disconnect, less than mqtt.ride-out "
              + rideOut
              + ": readings sent during a longer absence are discarded with the session"
              + (sessionExpiry == null
                  ? " (raise mqtt.session-expiry)"
                  : " (the broker capped it: Mosquitto persistent_client_expiration, HiveMQ"
                      + " max-session-expiry-interval)"));
    }
    return warnings;
  }

  /**
   * Messages the broker must queue for the agent's session to ride out {@code rideOut} while the
   * devices publish {@code messagesPerSecond} in total; 0 when the rate is unknown (0).
   */
  public static long queueNeeded(Duration rideOut, double messagesPerSecond) {
    return (long) Math.ceil(Math.max(0, messagesPerSecond) * rideOut.toMillis() / 1000.0);
  }

  @Override
  public String toString() {
    return "receive maximum "
        + receiveMaximum
        + ", session expiry "
        + (sessionExpiry == null ? "as requested" : sessionExpiry)
        + ", maximum QoS "
        + (maximumQos == null ? 2 : maximumQos)
        + ", maximum packet "
        + (maximumPacketSize == null ? "unlimited" : maximumPacketSize + " bytes");
  }
}
