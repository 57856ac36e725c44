package dev.fieldline.edge.io;

/**
 * A message handed from Paho's callback thread to the decision thread.
 *
 * @param topic where it arrived
 * @param payload its bytes
 * @param messageId the MQTT packet id, for the acknowledgement
 * @param qos its QoS
 * @param connection which connection it came on; acknowledgements never cross a reconnect
 * @param receivedNanos {@link System#nanoTime()} at receipt
 * @param traceParent the device's W3C {@code traceparent} user property; null when absent or when
 *     tracing is off
 */
public record Inbound(
    String topic,
    byte[] payload,
    int messageId,
    int qos,
    long connection,
    long receivedNanos,
    String traceParent) {}
