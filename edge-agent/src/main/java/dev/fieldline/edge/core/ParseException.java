package dev.fieldline.edge.core;

/** A message that cannot be used, with the reason and a detail for the operator. */
final class ParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  ParseException(RejectReason reason, String detail) {
    super(detail, null, false, false); // no stack trace: bad input is routine, not exceptional
    this.reason = reason;
  }

  RejectReason reason() {
    return reason;
  }
}
