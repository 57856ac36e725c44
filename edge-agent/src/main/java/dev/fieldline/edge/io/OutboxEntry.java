package dev.fieldline.edge.io;

/**
 * A journaled record waiting for Kafka.
 *
 * @param id position in the journal; entries leave in this order
 * @param topic the Kafka topic
 * @param key the record key (deviceId)
 * @param payload the Avro single-object encoded value
 * @param traceParent the record's W3C {@code traceparent} header, or null
 */
public record OutboxEntry(long id, String topic, String key, byte[] payload, String traceParent) {}
