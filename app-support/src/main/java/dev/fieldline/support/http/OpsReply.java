package dev.fieldline.support.http;

/** A complete response to an ops request. */
public record OpsReply(int status, String contentType, String body) {

  public static OpsReply json(int status, String body) {
    return new OpsReply(status, "application/json", body);
  }

  public static OpsReply text(int status, String body) {
    return new OpsReply(status, "text/plain; charset=utf-8", body);
  }

  /** {@code {"error": message}}, with the message's quotes and control characters replaced. */
  public static OpsReply error(int status, String message) {
    StringBuilder safe = new StringBuilder(message.length());
    for (char c : message.toCharArray()) {
      safe.append(c == '"' || c == '\\' ? '\'' : c < 0x20 ? ' ' : c);
    }
    return json(status, "{\"error\":\"" + safe + "\"}");
  }
}
