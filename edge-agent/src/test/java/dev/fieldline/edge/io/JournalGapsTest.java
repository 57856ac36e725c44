package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.WindowGap;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gap counts of open windows survive a restart and leave with their window's summary. */
class JournalGapsTest {
  @TempDir Path dir;

  private static JournalOp gap(String metric, long windowStart, long missing, long restarts) {
    return new JournalOp.Gap(
        new WindowGap("s1", "pump-1", "pump", metric, windowStart, missing, restarts));
  }

  @Test
  void shouldAddUpGapCountsPerWindowAndKeepThemUntilTheSummary() throws Exception {
    Path file = dir.resolve("journal.db");
    try (Journal journal = new Journal(file, Journal.Durability.NORMAL)) {
      journal.write(
          List.of(
              gap("pressure", 0, 35, 0),
              gap("pressure", 0, 5, 1),
              gap("pressure", 10_000, 2, 0),
              gap("vibration", 0, 40, 1)));
    }

    try (Journal reopened = new Journal(file, Journal.Durability.NORMAL)) {
      assertThat(reopened.openGaps())
          .containsExactlyInAnyOrder(
              new WindowGap("s1", "pump-1", "pump", "pressure", 0, 40, 1),
              new WindowGap("s1", "pump-1", "pump", "pressure", 10_000, 2, 0),
              new WindowGap("s1", "pump-1", "pump", "vibration", 0, 40, 1));

      reopened.write(
          List.of(
              new JournalOp.Summary(
                  "gw|pump-1|pressure|0",
                  "edge.summaries",
                  "pump-1",
                  new byte[10],
                  "pump-1",
                  "pressure",
                  0,
                  null)));

      assertThat(reopened.openGaps())
          .extracting(WindowGap::metric, WindowGap::windowStart)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("pressure", 10_000L),
              org.assertj.core.groups.Tuple.tuple("vibration", 0L));
    }
  }
}
