package dev.fieldline.demo;

import java.time.Duration;

/**
 * One fault of a chaos run: {@link #inject()} breaks something for real, {@link #lift()} undoes
 * what an operator or a supervisor would (restart, reconnect), and {@link #recovered()} tells when
 * the pipeline works again, judged from the outside (health endpoints, group state, checkpoints).
 */
interface ChaosFault {
  /** What happens, e.g. "edge agent killed (SIGKILL)". */
  String name();

  void inject() throws Exception;

  /** How long the fault stays before {@link #lift()}; zero for a kill followed by a restart. */
  Duration outage();

  void lift() throws Exception;

  boolean recovered() throws Exception;

  /** What the recovery check sees now, for the report of a fault that did not recover. */
  String status() throws Exception;
}
