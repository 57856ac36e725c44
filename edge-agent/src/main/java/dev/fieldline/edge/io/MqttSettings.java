package dev.fieldline.edge.io;

import java.time.Duration;
import java.util.List;

/**
 * How the agent connects to its local MQTT broker.
 *
 * @param serverUri {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId the persistent session's client id
 * @param subscriptions the telemetry topic filters: every site's, or one per site served
 * @param sessionExpiry how long the broker keeps the session (and queues readings) while the agent
 *     is away
 * @param keepAlive MQTT keep-alive
 * @param receiveMaximum unacknowledged messages the broker may send at once
 * @param username optional username
 * @param password optional password
 * @param tls TLS settings, or null for plain TCP
 * @param reconnect backoff between connection attempts
 * @param readTraceParent read each message's {@code traceparent} user property (tracing is on)
 * @param rideOut the longest absence of the agent its broker must queue readings for
 * @param expectedRate messages per second the devices publish in total; 0 when unknown
 * @param sparkplugHostId Sparkplug B: the host application id whose {@code spBv1.0/STATE/<id>} the
 *     agent publishes (online after connecting, offline as its will); null without Sparkplug
 */
public record MqttSettings(
    String serverUri,
    String clientId,
    List<String> subscriptions,
    Duration sessionExpiry,
    Duration keepAlive,
    int receiveMaximum,
    String username,
    char[] password,
    TlsSettings tls,
    ReconnectPolicy reconnect,
    boolean readTraceParent,
    Duration rideOut,
    double expectedRate,
    String sparkplugHostId) {

  @Override
  public String toString() {
    return "MqttSettings{" + serverUri + ", clientId=" + clientId + ", user=" + username + "}";
  }
}
