package dev.fieldline.edge.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a vendor JSON payload through a {@link PayloadMapping}. It parses into a tree, so it costs
 * more than the streaming parser of Fieldline's own payload (a few microseconds, a few objects per
 * message), which the tree buys: pointers anywhere in the document, in any order.
 *
 * <p>Every way a payload can miss its mapping is a {@link ParseException} naming the pointer, so
 * that the dead letter says which part of which payload did not fit.
 */
final class MappedJsonParser {
  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final PayloadMapping mapping;

  MappedJsonParser(PayloadMapping mapping) {
    this.mapping = mapping;
  }

  void parse(byte[] payload, String topicDeviceId, ParsedMessage message) throws ParseException {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new ParseException(RejectReason.MALFORMED, "not valid JSON: " + firstLine(e));
    }
    if (root == null || root.isMissingNode()) {
      throw new ParseException(RejectReason.MALFORMED, "empty payload");
    }
    if (mapping.deviceId() == null) {
      message.deviceId = topicDeviceId;
    } else {
      message.deviceId = identifier(root, mapping.deviceId(), "device id");
    }
    message.hasDeviceId = message.deviceId != null;
    message.deviceType = optionalText(root, mapping.deviceType(), "device type");
    message.unit = optionalText(root, mapping.unit(), "unit");
    message.timestamp = timestamp(root);
    message.hasTimestamp = true;
    message.seq =
        integer(required(root, mapping.sequence(), "sequence"), mapping.sequence(), "seq");
    message.hasSeq = true;
    for (Map.Entry<String, JsonPointer> metric : mapping.namedMetrics().entrySet()) {
      JsonNode value = root.at(metric.getValue());
      if (value.isMissingNode() || value.isNull()) {
        continue; // not every message carries every metric
      }
      add(message, metric.getKey(), number(value, metric.getValue(), metric.getKey()));
    }
    if (mapping.metricsObject() != null) {
      readObject(root, message);
    }
    if (mapping.metricsArray() != null) {
      readArray(root, message);
    }
  }

  private void readObject(JsonNode root, ParsedMessage message) throws ParseException {
    JsonNode object = required(root, mapping.metricsObject(), "metrics object");
    if (!object.isObject()) {
      throw wrongType(mapping.metricsObject(), "metrics object", "an object", object);
    }
    Iterator<Map.Entry<String, JsonNode>> members = object.fields();
    while (members.hasNext()) {
      Map.Entry<String, JsonNode> member = members.next();
      if (member.getValue().isNumber()) {
        add(message, member.getKey(), member.getValue().doubleValue());
      }
    }
  }

  private void readArray(JsonNode root, ParsedMessage message) throws ParseException {
    JsonNode array = required(root, mapping.metricsArray(), "metrics array");
    if (!array.isArray()) {
      throw wrongType(mapping.metricsArray(), "metrics array", "an array", array);
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      String where = mapping.metricsArray() + "/" + i;
      JsonNode name = element.at(mapping.metricName());
      if (!name.isTextual()) {
        throw new ParseException(
            name.isMissingNode() ? RejectReason.MISSING_FIELD : RejectReason.WRONG_TYPE,
            "metric name at "
                + where
                + mapping.metricName()
                + " must be a string, got "
                + kind(name));
      }
      JsonNode value = element.at(mapping.metricValue());
      if (value.isMissingNode()) {
        throw new ParseException(
            RejectReason.MISSING_FIELD, "no metric value at " + where + mapping.metricValue());
      }
      add(message, name.asText(), number(value, mapping.metricValue(), name.asText()));
    }
  }

  private long timestamp(JsonNode root) throws ParseException {
    JsonPointer pointer = mapping.timestamp();
    JsonNode node = required(root, pointer, "timestamp");
    TimestampUnit unit = mapping.timestampUnit();
    if (unit.isText()) {
      if (!node.isTextual()) {
        throw wrongType(pointer, "timestamp", "an ISO-8601 string", node);
      }
      try {
        return TimestampUnit.parseIso(node.asText());
      } catch (DateTimeParseException e) {
        throw new ParseException(
            RejectReason.WRONG_TYPE,
            "timestamp at "
                + pointer
                + " is not an ISO-8601 instant with an offset: "
                + node.asText());
      }
    }
    if (!node.isNumber()) {
      throw wrongType(pointer, "timestamp", "a number of " + unit.configName(), node);
    }
    try {
      return node.isIntegralNumber() && node.canConvertToLong()
          ? unit.toMillis(node.longValue())
          : unit.toMillis(node.doubleValue());
    } catch (ArithmeticException e) {
      throw new ParseException(RejectReason.WRONG_TYPE, "timestamp at " + pointer + " overflows");
    }
  }

  private static String identifier(JsonNode root, JsonPointer pointer, String what)
      throws ParseException {
    JsonNode node = required(root, pointer, what);
    if (node.isTextual() || (node.isIntegralNumber() && node.canConvertToLong())) {
      return node.asText();
    }
    throw wrongType(pointer, what, "a string or an integer", node);
  }

  private static String optionalText(JsonNode root, JsonPointer pointer, String what)
      throws ParseException {
    if (pointer == null) {
      return null;
    }
    JsonNode node = root.at(pointer);
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw wrongType(pointer, what, "a string", node);
    }
    return node.asText();
  }

  private static long integer(JsonNode node, JsonPointer pointer, String what)
      throws ParseException {
    if (!node.isIntegralNumber()) {
      throw wrongType(pointer, what, "an integer", node);
    }
    if (!node.canConvertToLong()) {
      throw new ParseException(
          RejectReason.WRONG_TYPE, what + " at " + pointer + " does not fit in 64 bits");
    }
    return node.longValue();
  }

  private static double number(JsonNode node, JsonPointer pointer, String metric)
      throws ParseException {
    if (!node.isNumber()) {
      throw new ParseException(
          RejectReason.WRONG_TYPE,
          "metric " + metric + " at " + pointer + " must be a number, got " + kind(node));
    }
    return node.doubleValue();
  }

  private static JsonNode required(JsonNode root, JsonPointer pointer, String what)
      throws ParseException {
    JsonNode node = root.at(pointer);
    if (node.isMissingNode() || node.isNull()) {
      throw new ParseException(RejectReason.MISSING_FIELD, "no " + what + " at " + pointer);
    }
    return node;
  }

  private static void add(ParsedMessage message, String metric, double value)
      throws ParseException {
    if (message.metricCount == ParsedMessage.MAX_METRICS) {
      throw new ParseException(
          RejectReason.MALFORMED, "more than " + ParsedMessage.MAX_METRICS + " metrics");
    }
    message.metrics[message.metricCount] = metric;
    message.values[message.metricCount] = value;
    message.metricCount++;
  }

  private static ParseException wrongType(
      JsonPointer pointer, String what, String expected, JsonNode got) {
    return new ParseException(
        RejectReason.WRONG_TYPE,
        what + " at " + pointer + " must be " + expected + ", got " + kind(got));
  }

  private static String kind(JsonNode node) {
    return node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(IOException e) {
    String text =
        String.valueOf(
            e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage());
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
