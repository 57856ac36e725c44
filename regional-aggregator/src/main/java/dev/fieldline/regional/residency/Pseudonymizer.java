package dev.fieldline.regional.residency;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces an identifier with {@code ps-} and the first 128 bits of HMAC-SHA256(regional secret,
 * identifier), base64url. The same identifier always gets the same pseudonym within a region (so
 * aggregates stay joinable), and without the region's secret it cannot be reversed or recomputed.
 *
 * <p>Thread-safe: each thread gets its own {@link Mac}.
 */
public final class Pseudonymizer {
  private static final String ALGORITHM = "HmacSHA256";

  private final ThreadLocal<Mac> mac;

  public Pseudonymizer(String secret) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("the residency secret must have at least 16 characters");
    }
    SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance(ALGORITHM);
                m.init(key);
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
              }
            });
    mac.get(); // fail at construction, not at the first record
  }

  public String pseudonym(String identifier) {
    byte[] digest = mac.get().doFinal(identifier.getBytes(StandardCharsets.UTF_8));
    byte[] truncated = new byte[16];
    System.arraycopy(digest, 0, truncated, 0, truncated.length);
    return "ps-" + Base64.getUrlEncoder().withoutPadding().encodeToString(truncated);
  }

  @Override
  public String toString() {
    return "Pseudonymizer{HMAC-SHA256}";
  }
}
