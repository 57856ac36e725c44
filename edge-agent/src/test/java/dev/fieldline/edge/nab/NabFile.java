package dev.fieldline.edge.nab;

import java.time.LocalDateTime;
import java.util.List;

/**
 * One NAB series: its rows in order and its labelled anomaly windows as row indices.
 *
 * @param key the file's name in the labels, {@code <category>/<file>.csv}
 * @param timestamps every row's timestamp
 * @param values every row's value
 * @param windows the anomaly windows, in order, as inclusive row ranges
 */
record NabFile(String key, List<LocalDateTime> timestamps, double[] values, List<Window> windows) {

  /** An anomaly window: rows {@code start} to {@code end}, both included. */
  record Window(int start, int end) {
    int width() {
      return end - start + 1;
    }
  }

  String category() {
    return key.substring(0, key.indexOf('/'));
  }

  /** The file name without {@code .csv}. */
  String name() {
    return key.substring(key.indexOf('/') + 1, key.length() - ".csv".length());
  }

  int rows() {
    return values.length;
  }

  /** NAB's probationary period: the first 15 % of the rows, at most 750. */
  int probation() {
    return (int) Math.min(Math.floor(0.15 * rows()), 0.15 * 5000);
  }

  boolean inWindow(int row) {
    for (Window window : windows) {
      if (row >= window.start && row <= window.end) {
        return true;
      }
    }
    return false;
  }
}
