package dev.fieldline.edge.io;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.WindowGap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The gateway's durable store (SQLite in WAL mode): accepted readings of open windows with the
 * missing readings and device restarts counted into them, and the outbox of summaries and decision
 * events waiting for Kafka. Every change is a transaction: a window's summary enters the outbox in
 * the same transaction that removes its readings, so a crash at any moment leaves either the
 * readings or the summary, never both and never neither.
 *
 * <p>One instance per thread: SQLite connections are not shared. WAL mode lets the uplink read and
 * delete while the writer appends.
 */
public final class Journal implements AutoCloseable {
  /** How hard SQLite flushes: NORMAL survives a process crash, FULL also a power loss. */
  public enum Durability {
    NORMAL,
    FULL
  }

  /** Bytes counted per outbox row besides its payload, for the outbox bound. */
  static final int ROW_OVERHEAD = 64;

  /**
   * Outbox entries, and their bytes as {@link #outboxBytes} counts them, that one change really
   * added or removed: an entry already there (same natural key) is not added again, and one already
   * gone is not removed twice. The writer keeps the outbox's depth from these, without scanning it.
   */
  public record OutboxChange(int entries, long bytes) {
    static final OutboxChange NONE = new OutboxChange(0, 0);
  }

  static final int KIND_SUMMARY = 1;
  static final int KIND_DECISION = 2;

  private final Connection db;

  // Prepared once per connection: preparing them for every batch was a large share of the
  // journal's garbage, and garbage is GC pauses on the gateway's small heap.
  private PreparedStatement insertReading;
  private PreparedStatement insertOutbox;
  private PreparedStatement forgetWindow;
  private PreparedStatement addGap;
  private PreparedStatement forgetGaps;
  private PreparedStatement selectOldest;
  private PreparedStatement deleteOutbox;

  public Journal(Path file, Durability durability) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SQLiteConfig sqlite = new SQLiteConfig();
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sqlite.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(durability.name()));
      sqlite.setBusyTimeout(10_000);
      // The driver's default prepares and runs "SELECT last_insert_rowid()" after every INSERT,
      // for generated keys this journal never reads.
      sqlite.setGetGeneratedKeys(false);
      // Take the write lock when a transaction starts: two connections (writer and uplink) never
      // meet halfway through a transaction, which would fail with SQLITE_BUSY_SNAPSHOT.
      sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      db = sqlite.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        keyReadingsByWindow(s);
        s.execute(READINGS_TABLE.formatted("readings"));
        s.execute(
            "CREATE TABLE IF NOT EXISTS window_gaps ("
                + " device_id TEXT NOT NULL, metric TEXT NOT NULL, window_start INTEGER NOT NULL,"
                + " site_id TEXT NOT NULL, device_type TEXT NOT NULL,"
                + " missing INTEGER NOT NULL, restarts INTEGER NOT NULL,"
                + " PRIMARY KEY (device_id, metric, window_start))");
        s.execute(
            "CREATE TABLE IF NOT EXISTS outbox ("
                + " id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL,"
                + " natural_key TEXT NOT NULL UNIQUE, topic TEXT NOT NULL,"
                + " record_key TEXT NOT NULL, payload BLOB NOT NULL, trace_context TEXT)");
        addTraceContextColumn(s);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the journal at " + file, e);
    }
  }

  /**
   * Accepted readings of open windows, clustered by window: one B-tree to insert into and to delete
   * a closed window's readings from (the first layout, keyed by sequence number with an index by
   * window, kept three).
   */
  private static final String READINGS_TABLE =
      "CREATE TABLE IF NOT EXISTS %s ("
          + " device_id TEXT NOT NULL, metric TEXT NOT NULL, seq INTEGER NOT NULL,"
          + " window_start INTEGER NOT NULL, event_time INTEGER NOT NULL,"
          + " value REAL NOT NULL, site_id TEXT NOT NULL, device_type TEXT NOT NULL,"
          + " PRIMARY KEY (device_id, metric, window_start, seq)) WITHOUT ROWID";

  /**
   * A journal in the first layout gets its readings moved to the current one, in one transaction.
   */
  private void keyReadingsByWindow(Statement s) throws SQLException {
    String layout = null;
    try (ResultSet table =
        s.executeQuery("SELECT sql FROM sqlite_master WHERE type='table' AND name='readings'")) {
      if (table.next()) {
        layout = table.getString(1);
      }
    }
    if (layout == null || layout.contains("WITHOUT ROWID")) {
      return;
    }
    db.setAutoCommit(false);
    try {
      s.execute(READINGS_TABLE.formatted("readings_by_window_start"));
      s.execute(
          "INSERT OR IGNORE INTO readings_by_window_start (device_id, metric, seq, window_start,"
              + " event_time, value, site_id, device_type) SELECT device_id, metric, seq,"
              + " window_start, event_time, value, site_id, device_type FROM readings");
      s.execute("DROP TABLE readings"); // and its index
      s.execute("ALTER TABLE readings_by_window_start RENAME TO readings");
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  /** A journal written before trace context was kept gets the column (empty for old entries). */
  private static void addTraceContextColumn(Statement s) throws SQLException {
    try (ResultSet columns = s.executeQuery("PRAGMA table_info(outbox)")) {
      while (columns.next()) {
        if ("trace_context".equals(columns.getString("name"))) {
          return;
        }
      }
    }
    s.execute("ALTER TABLE outbox ADD COLUMN trace_context TEXT");
  }

  /** Writes one batch of changes in a single transaction; returns what it added to the outbox. */
  public OutboxChange write(List<JournalOp> ops) throws SQLException {
    if (insertReading == null) {
      insertReading =
          db.prepareStatement(
              "INSERT OR IGNORE INTO readings (device_id, metric, seq, window_start,"
                  + " event_time, value, site_id, device_type) VALUES (?,?,?,?,?,?,?,?)");
      insertOutbox =
          db.prepareStatement(
              "INSERT OR IGNORE INTO outbox (kind, natural_key, topic, record_key, payload,"
                  + " trace_context) VALUES (?,?,?,?,?,?)");
      forgetWindow =
          db.prepareStatement(
              "DELETE FROM readings WHERE device_id=? AND metric=? AND window_start=?");
      addGap =
          db.prepareStatement(
              "INSERT INTO window_gaps (device_id, metric, window_start, site_id, device_type,"
                  + " missing, restarts) VALUES (?,?,?,?,?,?,?)"
                  + " ON CONFLICT (device_id, metric, window_start) DO UPDATE SET"
                  + " missing = missing + excluded.missing,"
                  + " restarts = restarts + excluded.restarts");
      forgetGaps =
          db.prepareStatement(
              "DELETE FROM window_gaps WHERE device_id=? AND metric=? AND window_start=?");
    }
    PreparedStatement reading = insertReading;
    PreparedStatement outbox = insertOutbox;
    PreparedStatement forget = forgetWindow;
    int entries = 0;
    long bytes = 0;
    db.setAutoCommit(false);
    try {
      for (JournalOp op : ops) {
        if (op instanceof JournalOp.Reading r) {
          AcceptedReading a = r.reading();
          reading.setString(1, a.deviceId());
          reading.setString(2, a.metric());
          reading.setLong(3, a.seq());
          reading.setLong(4, a.windowStart());
          reading.setLong(5, a.eventTime());
          reading.setDouble(6, a.value());
          reading.setString(7, a.siteId());
          reading.setString(8, a.deviceType());
          reading.addBatch();
        } else if (op instanceof JournalOp.Summary s) {
          // Readings first: a window's readings always precede its summary in the batch.
          reading.executeBatch();
          outbox.setInt(1, KIND_SUMMARY);
          outbox.setString(2, s.naturalKey());
          outbox.setString(3, s.topic());
          outbox.setString(4, s.key());
          outbox.setBytes(5, s.payload());
          outbox.setString(6, s.traceContext());
          if (outbox.executeUpdate() > 0) {
            entries++;
            bytes += s.outboxBytes();
          }
          forget.setString(1, s.deviceId());
          forget.setString(2, s.metric());
          forget.setLong(3, s.windowStart());
          forget.executeUpdate();
          forgetGaps.setString(1, s.deviceId());
          forgetGaps.setString(2, s.metric());
          forgetGaps.setLong(3, s.windowStart());
          forgetGaps.executeUpdate();
        } else if (op instanceof JournalOp.Gap g) {
          WindowGap gap = g.gap();
          addGap.setString(1, gap.deviceId());
          addGap.setString(2, gap.metric());
          addGap.setLong(3, gap.windowStart());
          addGap.setString(4, gap.siteId());
          addGap.setString(5, gap.deviceType());
          addGap.setLong(6, gap.missing());
          addGap.setLong(7, gap.restarts());
          addGap.executeUpdate();
        } else if (op instanceof JournalOp.Decision d) {
          outbox.setInt(1, KIND_DECISION);
          outbox.setString(2, d.naturalKey());
          outbox.setString(3, d.topic());
          outbox.setString(4, d.key());
          outbox.setBytes(5, d.payload());
          outbox.setString(6, d.traceContext());
          if (outbox.executeUpdate() > 0) {
            entries++;
            bytes += d.outboxBytes();
          }
        }
      }
      reading.executeBatch();
      db.commit();
      return new OutboxChange(entries, bytes);
    } catch (SQLException e) {
      reading.clearBatch();
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true); // no transaction (and no lock) held between batches
    }
  }

  /** The oldest outbox entries after journal id {@code after}, at most {@code max}, in order. */
  public List<OutboxEntry> oldestAfter(long after, int max) throws SQLException {
    List<OutboxEntry> entries = new ArrayList<>();
    if (selectOldest == null) {
      selectOldest =
          db.prepareStatement(
              "SELECT id, topic, record_key, payload, trace_context FROM outbox WHERE id > ?"
                  + " ORDER BY id LIMIT ?");
    }
    selectOldest.setLong(1, after);
    selectOldest.setInt(2, max);
    try (ResultSet rows = selectOldest.executeQuery()) {
      while (rows.next()) {
        entries.add(
            new OutboxEntry(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                rows.getBytes(4),
                rows.getString(5)));
      }
    }
    return entries;
  }

  /** Removes entries that Kafka acknowledged; returns what it removed. */
  public OutboxChange delete(List<OutboxEntry> entries) throws SQLException {
    if (deleteOutbox == null) {
      deleteOutbox = db.prepareStatement("DELETE FROM outbox WHERE id=?");
    }
    db.setAutoCommit(false);
    try {
      for (OutboxEntry entry : entries) {
        deleteOutbox.setLong(1, entry.id());
        deleteOutbox.addBatch();
      }
      int[] deleted = deleteOutbox.executeBatch();
      db.commit();
      int removed = 0;
      long bytes = 0;
      for (int i = 0; i < deleted.length; i++) {
        if (deleted[i] > 0) { // not dropped meanwhile by the outbox bound
          removed++;
          bytes += entries.get(i).payload().length + ROW_OVERHEAD;
        }
      }
      return new OutboxChange(removed, bytes);
    } catch (SQLException e) {
      deleteOutbox.clearBatch();
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  /**
   * Drops the oldest decision events until the outbox holds at most {@code maxBytes}; summaries are
   * never dropped. Returns what it dropped.
   */
  public OutboxChange dropDecisionsAbove(long maxBytes) throws SQLException {
    long excess = outboxBytes() - maxBytes;
    if (excess <= 0) {
      return OutboxChange.NONE;
    }
    List<Long> ids = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try (PreparedStatement select =
        db.prepareStatement(
            "SELECT id, length(payload) FROM outbox WHERE kind="
                + KIND_DECISION
                + " ORDER BY id")) {
      try (ResultSet rows = select.executeQuery()) {
        while (excess > 0 && rows.next()) {
          ids.add(rows.getLong(1));
          sizes.add(rows.getLong(2) + ROW_OVERHEAD);
          excess -= rows.getLong(2) + ROW_OVERHEAD;
        }
      }
    }
    db.setAutoCommit(false);
    try (PreparedStatement delete = db.prepareStatement("DELETE FROM outbox WHERE id=?")) {
      for (long id : ids) {
        delete.setLong(1, id);
        delete.addBatch();
      }
      int[] deleted = delete.executeBatch();
      db.commit();
      int dropped = 0;
      long bytes = 0;
      for (int i = 0; i < deleted.length; i++) {
        if (deleted[i] > 0) { // not removed meanwhile by the uplink
          dropped++;
          bytes += sizes.get(i);
        }
      }
      return new OutboxChange(dropped, bytes);
    } finally {
      db.setAutoCommit(true);
    }
  }

  /**
   * Leaves most write-ahead-log checkpoints to another connection's {@link #checkpoint}. SQLite
   * otherwise runs one inside whichever commit takes the log past 1,000 pages, and syncs the
   * database file: on the journal writer, that held the MQTT acknowledgements of its batch for
   * several milliseconds twice a second under load. Checkpoints on another connection cannot let
   * the log start over while this one keeps writing (each ends with a few new pages it did not
   * copy), so this connection still checkpoints, once the log reaches {@value
   * #WRITER_CHECKPOINT_PAGES} pages, when there is little left to copy.
   */
  public void leaveCheckpointsToOthers() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
    }
  }

  /** Log pages (4 KiB) before the writer checkpoints itself: the log's bound, 40 MiB. */
  static final int WRITER_CHECKPOINT_PAGES = 10_000;

  /**
   * Copies what the write-ahead log holds into the database file, without waiting for readers or
   * writers (a PASSIVE checkpoint: the writer keeps appending meanwhile, and the log starts over
   * once a checkpoint has copied all of it).
   */
  public void checkpoint() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet result = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      result.next();
    }
  }

  /** Approximate bytes held by the outbox (payloads plus a fixed row overhead). */
  public long outboxBytes() throws SQLException {
    return scalar("SELECT coalesce(sum(length(payload) + " + ROW_OVERHEAD + "), 0) FROM outbox");
  }

  public long outboxCount() throws SQLException {
    return scalar("SELECT count(*) FROM outbox");
  }

  /** Readings of windows that were open when the agent stopped, oldest first. */
  public List<AcceptedReading> openReadings() throws SQLException {
    List<AcceptedReading> readings = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT site_id, device_id, device_type, metric, value, event_time, seq,"
                    + " window_start FROM readings ORDER BY event_time, seq")) {
      while (rows.next()) {
        readings.add(
            new AcceptedReading(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getDouble(5),
                rows.getLong(6),
                rows.getLong(7),
                rows.getLong(8)));
      }
    }
    return readings;
  }

  /** Missing readings and device restarts counted into windows that were open, by window. */
  public List<WindowGap> openGaps() throws SQLException {
    List<WindowGap> gaps = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT site_id, device_id, device_type, metric, window_start, missing, restarts"
                    + " FROM window_gaps ORDER BY window_start")) {
      while (rows.next()) {
        gaps.add(
            new WindowGap(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getLong(5),
                rows.getLong(6),
                rows.getLong(7)));
      }
    }
    return gaps;
  }

  private long scalar(String sql) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @Override
  public void close() {
    try {
      db.close(); // closes its statements too
    } catch (SQLException e) {
      // closing: nothing left to do
    }
  }
}
