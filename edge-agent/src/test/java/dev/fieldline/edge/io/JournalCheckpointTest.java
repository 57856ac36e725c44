package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.AcceptedReading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's connection leaves checkpoints to the uplink's: its commits go on past SQLite's usual
 * 1,000-page checkpoint without copying the log into the database file, and the other connection's
 * checkpoint does.
 */
class JournalCheckpointTest {
  @TempDir Path dir;

  @Test
  void writerLeavesTheLogToTheOtherConnectionsCheckpoint() throws Exception {
    Path file = dir.resolve("journal.db");
    Path log = dir.resolve("journal.db-wal");
    try (Journal writer = new Journal(file, Journal.Durability.NORMAL);
        Journal uplink = new Journal(file, Journal.Durability.NORMAL)) {
      writer.leaveCheckpointsToOthers();
      long emptyDatabase = Files.size(file);

      // One commit per reading, each at least a page of log: past 1,000 pages (4 MiB).
      for (int seq = 1; seq <= 1_500; seq++) {
        writer.write(
            List.of(
                new JournalOp.Reading(
                    new AcceptedReading(
                        "s1", "pump-" + seq, "pump", "pressure", seq, 1_000 + seq, seq, 0))));
      }
      assertThat(Files.size(log)).isGreaterThan(1_000L * 4096);
      assertThat(Files.size(file)).as("no checkpoint on the writer yet").isEqualTo(emptyDatabase);

      uplink.checkpoint();

      assertThat(Files.size(file)).isGreaterThan(emptyDatabase + 1_500L * 20);
      assertThat(uplink.openReadings()).hasSize(1_500);
    }
  }
}
