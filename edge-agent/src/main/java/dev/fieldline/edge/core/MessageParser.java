package dev.fieldline.edge.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.CodecException;
import dev.fieldline.schema.codec.UnknownSchemaException;
import dev.fieldline.schema.v1.Reading;
import java.io.IOException;

/**
 * Parses device payloads: JSON ({@code {"deviceId":..,"ts":..,"seq":..,"metrics":{..}}}, optional
 * {@code "type"} and {@code "unit"}) or an Avro single-object {@link Reading}. Streaming JSON, no
 * object tree: the decision path parses a message in about a microsecond. With a {@link
 * PayloadMapping}, JSON payloads are a vendor's own, read through the mapping ({@link
 * MappedJsonParser}).
 *
 * <p>Not thread-safe: it reuses one {@link ParsedMessage}.
 */
public final class MessageParser {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          // Parse NaN and Infinity so they can be refused with their own reason.
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          // FastDoubleParser (bundled with Jackson): every reading's value is a decimal to parse.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();
  private static final byte AVRO_MARKER = (byte) 0xC3;

  private final AvroCodec<Reading> avro = AvroCodec.of(Reading.class);
  private final ParsedMessage message = new ParsedMessage();
  private final MappedJsonParser mapped;

  MessageParser() {
    this(null);
  }

  /** A parser for Fieldline's payloads, or for a vendor's JSON when {@code mapping} is set. */
  MessageParser(PayloadMapping mapping) {
    this.mapped = mapping == null ? null : new MappedJsonParser(mapping);
  }

  /**
   * Parses one payload.
   *
   * @throws ParseException with the reason when the payload cannot be used
   */
  ParsedMessage parse(byte[] payload, String source) throws ParseException {
    return parse(payload, "", source, null);
  }

  /**
   * Parses one payload that arrived for the device the topic names ({@code topicDeviceId}, used by
   * mappings that take the device from the topic).
   *
   * @param source where it came from, e.g. {@code mqtt <topic>}: {@code sourcePrefix + sourceName},
   *     joined only when an error names it (not once per message)
   * @throws ParseException with the reason when the payload cannot be used
   */
  ParsedMessage parse(byte[] payload, String sourcePrefix, String sourceName, String topicDeviceId)
      throws ParseException {
    message.reset();
    if (payload.length > 1 && payload[0] == AVRO_MARKER && payload[1] == 0x01) {
      parseAvro(payload, sourcePrefix + sourceName);
    } else if (mapped != null) {
      mapped.parse(payload, topicDeviceId, message);
    } else {
      parseJson(payload);
    }
    if (!message.hasDeviceId) {
      throw new ParseException(RejectReason.MISSING_FIELD, "missing field deviceId");
    }
    if (!message.hasTimestamp) {
      throw new ParseException(RejectReason.MISSING_FIELD, "missing field ts");
    }
    if (!message.hasSeq) {
      throw new ParseException(RejectReason.MISSING_FIELD, "missing field seq");
    }
    if (message.metricCount == 0) {
      throw new ParseException(RejectReason.MISSING_FIELD, "missing or empty field metrics");
    }
    return message;
  }

  private void parseAvro(byte[] payload, String source) throws ParseException {
    Reading reading;
    try {
      reading = avro.decode(payload, source);
    } catch (UnknownSchemaException e) {
      throw new ParseException(RejectReason.UNKNOWN_SCHEMA, e.getMessage());
    } catch (CodecException e) {
      throw new ParseException(RejectReason.MALFORMED, e.getMessage());
    }
    message.deviceId = reading.getDeviceId();
    message.hasDeviceId = true;
    message.deviceType = reading.getDeviceType();
    message.unit = reading.getUnit();
    message.timestamp = reading.getEventTime().toEpochMilli();
    message.hasTimestamp = true;
    message.seq = reading.getSeq();
    message.hasSeq = true;
    message.metrics[0] = reading.getMetric();
    message.values[0] = reading.getValue();
    message.metricCount = 1;
  }

  private void parseJson(byte[] payload) throws ParseException {
    try (JsonParser parser = JSON.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException(RejectReason.MALFORMED, "payload is not a JSON object");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "deviceId" -> {
            message.deviceId = text(parser, value, "deviceId");
            message.hasDeviceId = true;
          }
          case "type" -> message.deviceType = text(parser, value, "type");
          case "unit" -> message.unit = text(parser, value, "unit");
          case "ts" -> {
            message.timestamp = integer(parser, value, "ts");
            message.hasTimestamp = true;
          }
          case "seq" -> {
            message.seq = integer(parser, value, "seq");
            message.hasSeq = true;
          }
          case "metrics" -> parseMetrics(parser, value);
          default -> parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw new ParseException(RejectReason.MALFORMED, "trailing content after the object");
      }
    } catch (IOException e) {
      throw new ParseException(RejectReason.MALFORMED, "not valid JSON: " + firstLine(e));
    }
  }

  private void parseMetrics(JsonParser parser, JsonToken start) throws IOException, ParseException {
    if (start != JsonToken.START_OBJECT) {
      throw new ParseException(RejectReason.WRONG_TYPE, "metrics must be an object");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NUMBER_INT) {
        throw new ParseException(
            RejectReason.WRONG_TYPE, "metric " + name + " must be a number, got " + value);
      }
      if (message.metricCount == ParsedMessage.MAX_METRICS) {
        throw new ParseException(
            RejectReason.MALFORMED, "more than " + ParsedMessage.MAX_METRICS + " metrics");
      }
      message.metrics[message.metricCount] = name;
      message.values[message.metricCount] = parser.getDoubleValue();
      message.metricCount++;
    }
  }

  private static String text(JsonParser parser, JsonToken value, String field)
      throws IOException, ParseException {
    if (value != JsonToken.VALUE_STRING) {
      throw new ParseException(RejectReason.WRONG_TYPE, field + " must be a string, got " + value);
    }
    return parser.getText();
  }

  private static long integer(JsonParser parser, JsonToken value, String field)
      throws IOException, ParseException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new ParseException(
          RejectReason.WRONG_TYPE, field + " must be an integer, got " + value);
    }
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new ParseException(RejectReason.WRONG_TYPE, field + " does not fit in 64 bits");
    }
    return parser.getLongValue();
  }

  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
