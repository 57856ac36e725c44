package dev.fieldline.infra.mqtt;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import dev.fieldline.infra.tls.Role;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a connection only with a client certificate (the TLS listener has already checked that the
 * authority signed it) whose CN equals the MQTT client id, so that nobody can take over another
 * identity's session, and whose OU names a role the {@link MqttAccessPolicy} grants something. The
 * grant becomes the connection's default permissions, and HiveMQ refuses everything else: a publish
 * outside them gets reason code NOT_AUTHORIZED and is not delivered, a subscription gets
 * NOT_AUTHORIZED in its SUBACK.
 */
final class CertificateAuthenticator implements SimpleAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(CertificateAuthenticator.class);

  private final MqttAccessPolicy policy;
  private final AtomicLong refused;

  CertificateAuthenticator(MqttAccessPolicy policy, AtomicLong refused) {
    this.policy = policy;
    this.refused = refused;
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    String clientId = input.getClientInformation().getClientId();
    X509Certificate certificate =
        input
            .getConnectionInformation()
            .getClientTlsInformation()
            .flatMap(tls -> tls.getClientCertificate())
            .orElse(null);
    if (certificate == null) {
      refuse(output, clientId, ConnackReasonCode.NOT_AUTHORIZED, "a client certificate is needed");
      return;
    }
    String name = attribute(certificate, "CN");
    Role role = Role.ofUnit(attribute(certificate, "OU"));
    if (name == null || !name.equals(clientId)) {
      refuse(
          output,
          clientId,
          ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
          "the client id must be the certificate's CN");
      return;
    }
    MqttAccessPolicy.Grant grant = role == null ? null : policy.grantFor(name, role);
    if (grant == null || grant.isEmpty()) {
      refuse(output, clientId, ConnackReasonCode.NOT_AUTHORIZED, "this identity may do nothing");
      return;
    }
    ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
    grant
        .publish()
        .forEach(filter -> permissions.add(allow(filter, TopicPermission.MqttActivity.PUBLISH)));
    grant
        .subscribe()
        .forEach(filter -> permissions.add(allow(filter, TopicPermission.MqttActivity.SUBSCRIBE)));
    permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
    output.authenticateSuccessfully();
  }

  private void refuse(
      SimpleAuthOutput output, String clientId, ConnackReasonCode code, String reason) {
    refused.incrementAndGet();
    log.warn("MQTT connection of client '{}' refused: {}", clientId, reason);
    output.failAuthentication(code, reason);
  }

  private static TopicPermission allow(String filter, TopicPermission.MqttActivity activity) {
    return Builders.topicPermission()
        .topicFilter(filter)
        .type(TopicPermission.PermissionType.ALLOW)
        .activity(activity)
        .build();
  }

  /** The value of one attribute of the certificate's subject, e.g. its CN; null when absent. */
  static String attribute(X509Certificate certificate, String type) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase(type)) {
          return rdn.getValue().toString();
        }
      }
      return null;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
