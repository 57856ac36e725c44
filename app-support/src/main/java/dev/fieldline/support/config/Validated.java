package dev.fieldline.support.config;

import java.util.List;

/** A config class that can tell what is wrong with its values. */
public interface Validated {

  /**
   * Every problem, each naming its setting by its dotted key, e.g. {@code "windows.grace: must not
   * be negative (got -1s)"}; empty when the config can be used.
   */
  List<String> problems();
}
