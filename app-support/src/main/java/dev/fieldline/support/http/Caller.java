package dev.fieldline.support.http;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is calling, from the client certificate the TLS handshake verified: its common name and its
 * role, the subject's organizational unit ({@code CN=fieldline-admin,OU=admin,O=Fieldline}).
 *
 * @param name the certificate's CN, or empty when the caller presented none
 * @param role the certificate's OU, or empty when it has none
 */
public record Caller(String name, String role) {
  /** A caller that presented no certificate (plaintext, or an open liveness check). */
  public static final Caller ANONYMOUS = new Caller("", "");

  public static Caller of(X509Certificate certificate) {
    String name = "";
    String role = "";
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          name = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("OU")) {
          role = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // The JDK produced this RFC 2253 name itself; an unparsable one identifies nobody.
      return ANONYMOUS;
    }
    return new Caller(name, role);
  }

  public boolean anonymous() {
    return name.isEmpty();
  }

  @Override
  public String toString() {
    return anonymous() ? "an anonymous caller" : name + " (" + role + ")";
  }
}
