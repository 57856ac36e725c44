package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.AcceptedReading;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal written by an agent of the first layout opens with its readings in the current one. */
class JournalLayoutTest {
  @TempDir Path dir;

  private static AcceptedReading reading(long seq, long windowStart) {
    return new AcceptedReading(
        "s1", "pump-1", "pump", "pressure", seq * 1.5, windowStart + seq, seq, windowStart);
  }

  @Test
  void shouldMoveTheFirstLayoutsReadingsAndGoOnFromThem() throws Exception {
    Path file = dir.resolve("journal.db");
    try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = old.createStatement()) {
      s.execute(
          "CREATE TABLE readings (device_id TEXT NOT NULL, metric TEXT NOT NULL,"
              + " seq INTEGER NOT NULL, window_start INTEGER NOT NULL,"
              + " event_time INTEGER NOT NULL, value REAL NOT NULL, site_id TEXT NOT NULL,"
              + " device_type TEXT NOT NULL, PRIMARY KEY (device_id, metric, seq))");
      s.execute("CREATE INDEX readings_by_window ON readings (device_id, metric, window_start)");
      s.execute(
          "INSERT INTO readings VALUES ('pump-1','pressure',1,0,1,1.5,'s1','pump'),"
              + " ('pump-1','pressure',2,0,2,3.0,'s1','pump'),"
              + " ('pump-1','pressure',3,10000,10003,4.5,'s1','pump')");
    }

    try (Journal journal = new Journal(file, Journal.Durability.NORMAL)) {
      assertThat(journal.openReadings())
          .containsExactly(reading(1, 0), reading(2, 0), reading(3, 10_000));
      journal.write(
          List.of(
              new JournalOp.Reading(reading(3, 10_000)), // re-sent: kept once
              new JournalOp.Reading(reading(4, 10_000)),
              new JournalOp.Summary(
                  "gw|pump-1|pressure|0",
                  "edge.summaries",
                  "pump-1",
                  new byte[] {1},
                  "pump-1",
                  "pressure",
                  0,
                  null)));
    }

    try (Journal reopened = new Journal(file, Journal.Durability.NORMAL)) {
      assertThat(reopened.openReadings()).containsExactly(reading(3, 10_000), reading(4, 10_000));
      assertThat(reopened.outboxCount()).isEqualTo(1);
    }
    try (Connection check = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = check.createStatement();
        ResultSet schema =
            s.executeQuery("SELECT type, name, sql FROM sqlite_master WHERE tbl_name='readings'")) {
      assertThat(schema.next()).isTrue();
      assertThat(schema.getString("sql")).contains("WITHOUT ROWID");
      assertThat(schema.next()).as("the first layout's index is gone").isFalse();
    }
  }
}
