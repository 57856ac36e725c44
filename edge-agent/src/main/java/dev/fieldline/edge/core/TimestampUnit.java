package dev.fieldline.edge.core;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/** How a mapped payload writes its timestamp; turns it into epoch milliseconds. */
public enum TimestampUnit {
  EPOCH_MILLIS("ms", 1.0),
  EPOCH_SECONDS("s", 1_000.0),
  EPOCH_MICROS("us", 0.001),
  EPOCH_NANOS("ns", 0.000_001),
  ISO_8601("iso-8601", 0);

  private final String configName;
  private final double millisPerUnit;

  TimestampUnit(String configName, double millisPerUnit) {
    this.configName = configName;
    this.millisPerUnit = millisPerUnit;
  }

  public String configName() {
    return configName;
  }

  public boolean isText() {
    return this == ISO_8601;
  }

  /** The unit a config names, e.g. {@code ms} or {@code iso-8601}. */
  public static TimestampUnit of(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(unit -> unit.configName.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown timestamp unit '"
                        + name
                        + "' (one of "
                        + String.join(", ", Arrays.stream(values()).map(u -> u.configName).toList())
                        + ")"));
  }

  /** Epoch milliseconds from a number in this unit (fractions allowed, rounded down). */
  long toMillis(double amount) {
    return (long) Math.floor(amount * millisPerUnit);
  }

  /** Epoch milliseconds from exact integral units, without a double's rounding for large values. */
  long toMillis(long amount) {
    return switch (this) {
      case EPOCH_MILLIS -> amount;
      case EPOCH_SECONDS -> Math.multiplyExact(amount, 1_000L);
      case EPOCH_MICROS -> Math.floorDiv(amount, 1_000L);
      case EPOCH_NANOS -> Math.floorDiv(amount, 1_000_000L);
      case ISO_8601 -> throw new IllegalStateException("ISO-8601 timestamps are text");
    };
  }

  /**
   * Epoch milliseconds from an ISO-8601 instant with an offset ({@code 2026-11-29T10:15:30.5Z},
   * {@code 2026-11-29T11:15:30+01:00}).
   *
   * @throws DateTimeParseException when the text is not one
   */
  static long parseIso(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    }
  }
}
