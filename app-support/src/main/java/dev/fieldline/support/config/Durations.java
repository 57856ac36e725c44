package dev.fieldline.support.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files and on command lines: {@code 250ms}, {@code 10s},
 * {@code 5m}, {@code 2h}, {@code 7d}, combinations from large to small ({@code 1m30s}), or ISO-8601
 * ({@code PT10S}).
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern COMBINED = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(String text) {
    String trimmed = text.strip().toLowerCase(java.util.Locale.ROOT);
    Matcher m = SIMPLE.matcher(trimmed);
    if (m.matches()) {
      return of(Long.parseLong(m.group(1)), m.group(2));
    }
    if (COMBINED.matcher(trimmed).matches()) {
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(trimmed);
      while (part.find()) {
        total = total.plus(of(Long.parseLong(part.group(1)), part.group(2)));
      }
      return total;
    }
    try {
      return Duration.parse(text.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (use e.g. 250ms, 10s, 5m, 2h, 7d or PT10S)", e);
    }
  }

  private static Duration of(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The shortest exact form: {@code 90s}, {@code 5m}, {@code 250ms}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis != 0 && millis % 86_400_000 == 0) {
      return millis / 86_400_000 + "d";
    }
    if (millis != 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis != 0 && millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** Jackson support for {@link Duration} in this format. */
  static SimpleModule module() {
    SimpleModule module = new SimpleModule("fieldline-durations");
    module.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser parser, DeserializationContext context)
              throws IOException {
            try {
              return parse(parser.getValueAsString());
            } catch (IllegalArgumentException e) {
              throw context.weirdStringException(
                  parser.getValueAsString(), Duration.class, e.getMessage());
            }
          }
        });
    module.addSerializer(
        Duration.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
              throws IOException {
            gen.writeString(format(value));
          }
        });
    return module;
  }
}
