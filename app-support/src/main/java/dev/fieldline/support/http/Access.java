package dev.fieldline.support.http;

/** What a route discloses, and so who may call it. */
public enum Access {
  /** Up or down, nothing else: any certificate of the authority, or none if the setting says so. */
  LIVENESS,
  /** Health and metrics: the ops roles ({@code http.access.ops-roles}). */
  OPS,
  /** Anything that names a device: the data roles ({@code http.access.data-roles}). */
  DATA
}
