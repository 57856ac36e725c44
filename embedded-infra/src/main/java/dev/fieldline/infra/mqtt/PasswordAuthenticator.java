package dev.fieldline.infra.mqtt;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Accepts a CONNECT only with a username and password from a fixed table. */
final class PasswordAuthenticator implements SimpleAuthenticator {
  private final Map<String, String> passwords;

  PasswordAuthenticator(Map<String, String> passwords) {
    this.passwords = Map.copyOf(passwords);
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    var connect = input.getConnectPacket();
    String expected = connect.getUserName().map(passwords::get).orElse(null);
    byte[] given = connect.getPassword().map(PasswordAuthenticator::bytes).orElse(null);
    if (expected != null
        && given != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
      output.authenticateSuccessfully();
    } else {
      output.failAuthentication(
          ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user or wrong password");
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
