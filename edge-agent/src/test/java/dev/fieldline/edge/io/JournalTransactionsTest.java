package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.WindowGap;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch is one transaction: all of it or nothing, and no lock held once it ended, whether it
 * committed or failed (the writer and the uplink each have a connection to the same file).
 */
class JournalTransactionsTest {
  @TempDir Path dir;

  private static JournalOp reading(long seq) {
    return new JournalOp.Reading(
        new AcceptedReading("s1", "pump-1", "pump", "pressure", 3.2, seq, seq, 0));
  }

  private static JournalOp decision(String naturalKey) {
    return new JournalOp.Decision(naturalKey, "edge.decisions", "pump-1", new byte[] {1}, null);
  }

  private static JournalOp gap(long windowStart) {
    return new JournalOp.Gap(new WindowGap("s1", "pump-1", "pump", "pressure", windowStart, 1, 0));
  }

  /**
   * A new window's gap count without a site: it breaks a NOT NULL constraint, which fails the
   * statement (the journal's inserts ignore only rows they already hold).
   */
  private static JournalOp brokenGap() {
    return new JournalOp.Gap(new WindowGap(null, "pump-1", "pump", "pressure", 99_000, 1, 0));
  }

  @Test
  void shouldWriteNothingOfABatchThatFailsAndTakeTheNextOne() throws Exception {
    Path file = dir.resolve("journal.db");
    try (Journal writer = new Journal(file, Journal.Durability.NORMAL);
        Journal uplink = new Journal(file, Journal.Durability.NORMAL)) {
      // The last change fails after the ones before it were written.
      assertThatThrownBy(
              () -> writer.write(List.of(reading(1), gap(0), decision("d-1"), brokenGap())))
          .isInstanceOf(SQLException.class);

      assertThat(writer.openReadings()).isEmpty();
      assertThat(writer.openGaps()).isEmpty();
      assertThat(uplink.outboxCount()).isZero();

      Journal.OutboxChange added = writer.write(List.of(reading(2), decision("d-2")));

      assertThat(added.entries()).isEqualTo(1);
      assertThat(writer.openReadings()).extracting(AcceptedReading::seq).containsExactly(2L);
      assertThat(uplink.oldestAfter(-1, 10)).hasSize(1);
    }
  }

  @Test
  void shouldLeaveTheWriteLockFreeAfterEveryBatch() throws Exception {
    Path file = dir.resolve("journal.db");
    try (Journal writer = new Journal(file, Journal.Durability.NORMAL);
        Journal uplink = new Journal(file, Journal.Durability.NORMAL)) {
      for (int i = 0; i < 3; i++) {
        writer.write(List.of(reading(i), decision("d-" + i)));
        // The uplink's delete takes the write lock: it fails with SQLITE_BUSY (after the busy
        // timeout) if the writer still holds it.
        assertThat(uplink.delete(uplink.oldestAfter(-1, 10)).entries()).isEqualTo(1);
      }
      assertThatThrownBy(() -> writer.write(List.of(decision("d-9"), brokenGap())))
          .isInstanceOf(SQLException.class);
      assertThat(uplink.write(List.of(decision("d-10"))).entries()).isEqualTo(1);
    }
  }
}
