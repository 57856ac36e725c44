package dev.fieldline.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The wait after the devices stop: it goes on while the tiers catch up, not for a fixed time. A
 * reconciliation row that is not balanced yet but came closer to its balance within {@code stall}
 * is <i>behind</i>, and keeps the drain going; the drain ends when every row balances, when no
 * unbalanced row moved for {@code stall}, or at {@code limit}. Rows that stopped short of their
 * balance are mismatches; rows still moving when the limit is reached are only behind.
 */
final class Drain {
  private final long stallNanos;
  private final long limitNanos;
  private final long startedAt;
  private final Map<String, Long> distance = new HashMap<>();
  private final Map<String, Long> movedAt = new HashMap<>();
  private final Map<String, Long> rate = new HashMap<>();
  private long lastObservedAt;

  Drain(Duration stall, Duration limit, long now) {
    this.stallNanos = stall.toNanos();
    this.limitNanos = limit.toNanos();
    this.startedAt = now;
    this.lastObservedAt = now;
  }

  /** Takes the rows as they are now ({@code now} in nanoseconds). */
  void observe(Reconciliation result, long now) {
    double seconds = Math.max(1e-3, (now - lastObservedAt) / 1e9);
    lastObservedAt = now;
    for (Reconciliation.Row row : result.rows()) {
      String key = key(row);
      long gap = Math.abs(row.left() - row.right());
      Long before = distance.put(key, gap);
      if (before == null || gap < before) {
        movedAt.put(key, now);
        rate.put(key, before == null ? 0 : Math.round((before - gap) / seconds));
      } else if (gap > before) {
        movedAt.put(key, now); // moving, if away: still not settled
        rate.put(key, 0L);
      }
    }
  }

  /** True while some row is unbalanced and moved recently, within the limit. */
  boolean goesOn(Reconciliation result, long now) {
    if (result.balances() || now - startedAt >= limitNanos) {
      return false;
    }
    return !behind(result, now).isEmpty();
  }

  /** The unbalanced rows that came closer to their balance within the stall time. */
  List<Reconciliation.Row> behind(Reconciliation result, long now) {
    List<Reconciliation.Row> behind = new ArrayList<>();
    for (Reconciliation.Row row : result.rows()) {
      Long moved = movedAt.get(key(row));
      if (!row.balances() && moved != null && now - moved < stallNanos) {
        behind.add(row);
      }
    }
    return behind;
  }

  /** One line per row still behind: where, by how much, and how fast it catches up. */
  String backlog(Reconciliation result, long now) {
    StringBuilder line = new StringBuilder();
    for (Reconciliation.Row row : behind(result, now)) {
      line.append(
          String.format(
              "  %-8s %-24s %,d behind (%s), catching up %,d/s%n",
              row.region(),
              row.check(),
              Math.abs(row.left() - row.right()),
              row.rightName(),
              rate.getOrDefault(key(row), 0L)));
    }
    return line.toString();
  }

  private static String key(Reconciliation.Row row) {
    return row.region() + "|" + row.check();
  }
}
