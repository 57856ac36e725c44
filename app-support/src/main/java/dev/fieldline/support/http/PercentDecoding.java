package dev.fieldline.support.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of a path segment that refuses what lenient decoders let through: a truncated or
 * non-hex escape, bytes that are not UTF-8, and control characters. ({@code URLDecoder} decodes
 * form data: it turns '+' into a space and invalid UTF-8 into replacement characters.)
 */
final class PercentDecoding {
  private PercentDecoding() {}

  /** The decoded segment; IllegalArgumentException naming the fault otherwise. */
  static String strict(String segment) {
    if (segment.indexOf('%') < 0) {
      return checked(segment);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
        continue;
      }
      if (i + 2 >= segment.length()) {
        throw new IllegalArgumentException("truncated percent escape");
      }
      int high = Character.digit(segment.charAt(i + 1), 16);
      int low = Character.digit(segment.charAt(i + 2), 16);
      if (high < 0 || low < 0) {
        throw new IllegalArgumentException("invalid percent escape");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    try {
      return checked(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8");
    }
  }

  private static String checked(String decoded) {
    for (int i = 0; i < decoded.length(); i++) {
      if (Character.isISOControl(decoded.charAt(i))) {
        throw new IllegalArgumentException("control character");
      }
    }
    return decoded;
  }
}
