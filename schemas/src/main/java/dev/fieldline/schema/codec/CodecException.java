package dev.fieldline.schema.codec;

/** A payload could not be encoded or decoded; the message says why and, where known, from where. */
public class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
