package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {
  @TempDir Path dir;

  private static JournalOp decision(int i) {
    return new JournalOp.Decision("d|" + i, "edge.decisions", "dev", new byte[936], null);
  }

  private static JournalOp summary(int i) {
    return new JournalOp.Summary(
        "s|" + i, "edge.summaries", "dev", new byte[936], "dev", "m", i, null);
  }

  @Test
  void shouldGatherTheChangesOfTheCommitDelayIntoOneCommitAndReportThemCommittedOnlyAfterIt()
      throws Exception {
    try (Journal journal = new Journal(dir.resolve("j.db"), Journal.Durability.NORMAL);
        JournalWriter writer = new JournalWriter(journal, 1_000_000, 100, Duration.ofSeconds(1))) {
      writer.enqueue(decision(0));
      Thread.sleep(50);
      for (int i = 1; i < 5; i++) {
        writer.enqueue(decision(i));
      }
      assertThat(writer.committed()).as("nothing committed within the delay").isZero();

      assertThat(writer.flush(10_000)).isTrue();
      assertThat(writer.committed()).isEqualTo(5);
      assertThat(writer.commits.sum()).isEqualTo(1);
      assertThat(journal.outboxCount()).isEqualTo(5);
    }
  }

  @Test
  void shouldDropOldestDecisionsFirstAndStopIntakeWhenSummariesAloneFillTheOutbox()
      throws Exception {
    // Each entry counts 1,000 bytes; the bound holds 5 of them.
    try (Journal journal = new Journal(dir.resolve("j.db"), Journal.Durability.NORMAL);
        JournalWriter writer = new JournalWriter(journal, 5_000, 100)) {
      for (int i = 0; i < 4; i++) {
        writer.enqueue(decision(i));
      }
      for (int i = 0; i < 3; i++) {
        writer.enqueue(summary(i));
      }
      assertThat(writer.flush(10_000)).isTrue();

      // The bound is enforced right after the commit that crossed it (flush waits for the commit).
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(writer.droppedDecisions.sum()).isEqualTo(2);
                assertThat(writer.outboxCount()).isEqualTo(5);
                assertThat(writer.outboxBytes()).isEqualTo(5_000);
              });
      assertThat(writer.isFull()).isFalse();

      for (int i = 3; i < 6; i++) {
        writer.enqueue(summary(i));
      }
      assertThat(writer.flush(10_000)).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(writer::isFull);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(writer.outboxCount()).as("summaries are never dropped").isEqualTo(6);
                assertThat(writer.droppedDecisions.sum()).isEqualTo(4);
              });

      writer.outboxDrained(journal.delete(journal.oldestAfter(0, 3)));
      assertThat(writer.isFull()).isFalse();
      assertThat(writer.outboxCount()).isEqualTo(journal.outboxCount()).isEqualTo(3);
    }
  }

  @Test
  void shouldKeepItsOutboxCountsInStepWithTheJournal() throws Exception {
    try (Journal journal = new Journal(dir.resolve("k.db"), Journal.Durability.NORMAL);
        JournalWriter writer = new JournalWriter(journal, 1_000_000, 100)) {
      writer.enqueue(summary(1));
      writer.enqueue(decision(1));
      assertThat(writer.flush(10_000)).isTrue();

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(writer.outboxCount()).isEqualTo(2);
                assertThat(writer.outboxBytes()).isEqualTo(2_000);
              });
      assertThat(writer.outboxCount()).isEqualTo(journal.outboxCount());
      assertThat(writer.outboxBytes()).isEqualTo(journal.outboxBytes()).isEqualTo(2_000);
    }
  }

  /**
   * The depth is counted, not scanned: an entry written again (a redelivered message's decision)
   * adds nothing, and an entry the uplink removes after the bound already dropped it (or twice)
   * removes nothing.
   */
  @Test
  void shouldCountOnlyWhatReallyEnteredOrLeftTheOutbox() throws Exception {
    try (Journal journal = new Journal(dir.resolve("c.db"), Journal.Durability.NORMAL);
        Journal uplink = new Journal(dir.resolve("c.db"), Journal.Durability.NORMAL);
        JournalWriter writer = new JournalWriter(journal, 1_000_000, 100)) {
      for (int i = 0; i < 4; i++) {
        writer.enqueue(summary(i));
        writer.enqueue(decision(i));
        writer.enqueue(decision(i)); // the same natural key again
      }
      assertThat(writer.flush(10_000)).isTrue();
      assertThat(writer.outboxCount()).isEqualTo(uplink.outboxCount()).isEqualTo(8);
      assertThat(writer.outboxBytes()).isEqualTo(uplink.outboxBytes()).isEqualTo(8_000);

      var firstThree = uplink.oldestAfter(0, 3);
      writer.outboxDrained(uplink.delete(firstThree));
      writer.outboxDrained(uplink.delete(firstThree)); // already gone
      assertThat(writer.outboxCount()).isEqualTo(uplink.outboxCount()).isEqualTo(5);
      assertThat(writer.outboxBytes()).isEqualTo(uplink.outboxBytes()).isEqualTo(5_000);
    }
  }
}
