package dev.fieldline.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accounting of ARCHITECTURE.md, one row per equation and region: what the devices sent, what
 * the edge received or saw go missing (sequence gaps: 0 on a healthy run), accepted, rejected and
 * filtered, what its summaries count, what the region rolled up, and what every region's global
 * copy holds of every region's export.
 */
final class Reconciliation {
  /** One equation: both sides and whether they balance. */
  record Row(
      String region, String check, String leftName, long left, String rightName, long right) {
    boolean balances() {
      return left == right;
    }
  }

  private final List<Row> rows = new ArrayList<>();

  static Reconciliation of(Map<String, RegionStack> stacks, Map<String, PipelineWatch> watches) {
    Reconciliation r = new Reconciliation();
    for (RegionStack stack : stacks.values()) {
      String region = stack.region;
      var ledger = stack.simulator.ledger();
      var edge = stack.edge.counters();
      PipelineWatch watch = watches.get(region);
      long received = edge.received.sum();
      long accepted = edge.accepted.sum();
      long rejected = edge.rejectedTotal();
      long filtered = edge.filteredTotal();
      long missing = edge.missing.sum();
      r.add(
          region,
          "devices -> edge",
          "readings sent",
          ledger.readings(),
          "edge received+missing",
          received + missing);
      r.add(region, "nothing missing", "readings missing", missing, "expected", 0);
      r.add(
          region,
          "edge accounting",
          "received",
          received,
          "accepted+rejected+filtered",
          accepted + rejected + filtered);
      r.add(region, "bad input", "malformed sent", ledger.malformed(), "edge rejected", rejected);
      r.add(
          region,
          "edge -> kafka",
          "accepted",
          accepted,
          "readings in summaries",
          watch.summaryReadings.get());
      r.add(
          region,
          "gaps reported",
          "edge missing",
          missing,
          "missing in summaries",
          watch.summaryMissing.get());
      r.add(
          region,
          "summaries once",
          "summaries written twice",
          watch.summaryDuplicates.get(),
          "expected",
          0);
      r.add(
          region,
          "region roll-up",
          "readings in summaries",
          watch.summaryReadings.get(),
          "readings in regional",
          watch.regionalReadings.get());
      r.add(
          region,
          "roll-up dead letters",
          "summaries dead-lettered",
          watch.deadLetteredSummaries.get(),
          "expected",
          0);
      for (PipelineWatch copy : watches.values()) {
        long copied = copy.globalByOrigin.getOrDefault(region, new AtomicLong()).get();
        r.add(
            region,
            "global copy in " + copy.region,
            "regional export",
            watch.exportRecords.get(),
            "global.aggregates",
            copied);
      }
      r.add(
          region,
          "global once",
          "copies written twice",
          watch.globalDuplicates.get(),
          "expected",
          0);
    }
    return r;
  }

  void add(String region, String check, String leftName, long left, String rightName, long right) {
    rows.add(new Row(region, check, leftName, left, rightName, right));
  }

  boolean balances() {
    return rows.stream().allMatch(Row::balances);
  }

  List<Row> rows() {
    return rows;
  }

  /**
   * Prints every row; {@code behind} are unbalanced rows whose tier was still catching up when the
   * drain ended: marked BEHIND, not MISMATCH, because nothing says their readings are lost.
   */
  void print(PrintStream out, List<Row> behind) {
    out.printf(
        "%n%-9s %-24s %-26s %12s   %-27s %12s  %s%n",
        "region", "check", "left", "", "right", "", "");
    for (LiveFrame.ReconciliationRow row : frameRows(behind)) {
      out.printf(
          "%-9s %-24s %-26s %,12d = %-27s %,12d  %s%n",
          row.region(),
          row.check(),
          row.leftName(),
          row.left(),
          row.rightName(),
          row.right(),
          row.state());
    }
    out.println("\n" + verdict(behind));
  }

  private static String state(Row row, List<Row> behind) {
    return row.balances() ? "ok" : behind.contains(row) ? "BEHIND" : "MISMATCH";
  }

  /** The run's one-line verdict. */
  String verdict(List<Row> behind) {
    boolean mismatch = rows.stream().anyMatch(row -> !row.balances() && !behind.contains(row));
    if (balances()) {
      return "every row balances";
    } else if (mismatch) {
      return "RECONCILIATION FAILED: see the rows marked MISMATCH";
    }
    return "RECONCILIATION INCOMPLETE: the drain limit came while the rows marked BEHIND were still"
        + " catching up (nothing is known lost); the machine was too busy for the load, try a"
        + " lower --rate or fewer --devices";
  }

  /** The rows with their states, as the web console shows them. */
  List<LiveFrame.ReconciliationRow> frameRows(List<Row> behind) {
    return rows.stream()
        .map(
            row ->
                new LiveFrame.ReconciliationRow(
                    row.region(),
                    row.check(),
                    row.leftName(),
                    row.left(),
                    row.rightName(),
                    row.right(),
                    state(row, behind)))
        .toList();
  }
}
