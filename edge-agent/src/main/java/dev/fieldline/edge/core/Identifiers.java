package dev.fieldline.edge.core;

/**
 * Identifiers (site, device, device type, metric) are 1 to 128 characters of letters, digits and
 * {@code . _ - :}. They end up in topic names, keys and file names, so anything else is refused.
 */
public final class Identifiers {
  static final int MAX_LENGTH = 128;

  private Identifiers() {}

  public static boolean valid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether an identifier may hold {@code c}. */
  public static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-'
        || c == ':';
  }
}
