package dev.fieldline.edge.io;

/**
 * A journaled record waiting for Kafka.
 *
 * @param id position in the journal; entries leave in this order
 * @param topic the Kafka topic
 * @param key the record key (deviceId)
 * @param payload the Avro single-object encoded value
 * @param traceContext the record's trace context ({@link TraceContextColumn}), or null
 */
public record OutboxEntry(long id, String topic, String key, byte[] payload, String traceContext) {}
