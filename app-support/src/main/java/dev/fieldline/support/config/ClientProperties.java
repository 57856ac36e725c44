package dev.fieldline.support.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client's properties as configs give them: a {@code client} map of plain values and a {@code
 * client-secrets} map whose values are {@link SecretRef}s (environment variable or file). A secret
 * written into the plain map is refused, so that passwords never sit in config text, and the
 * resolved secrets live only in the map handed to the client library (Kafka prints password-type
 * values as {@code [hidden]}).
 */
public final class ClientProperties {
  private ClientProperties() {}

  /**
   * Whether a property holds a secret: passwords, inline keys ({@code ssl.keystore.key}), JAAS
   * configs, tokens and anything named secret.
   */
  public static boolean isSecret(String property) {
    String key = property.toLowerCase(Locale.ROOT);
    return key.endsWith("password")
        || key.endsWith(".key")
        || key.contains("secret")
        || key.contains("token")
        || key.equals("sasl.jaas.config");
  }

  /** What is wrong with the two maps, each problem naming its setting under {@code prefix}. */
  public static List<String> problems(
      String prefix, Map<String, String> client, Map<String, SecretRef> secrets) {
    List<String> problems = new ArrayList<>();
    client.keySet().stream()
        .filter(ClientProperties::isSecret)
        .forEach(
            property ->
                problems.add(
                    prefix
                        + ".client."
                        + property
                        + ": a secret; give it in "
                        + prefix
                        + ".client-secrets as {env: VARIABLE} or {file: path}"));
    secrets.forEach(
        (property, secret) -> {
          if (secret == null || !secret.isSet()) {
            problems.add(prefix + ".client-secrets." + property + ": set env or file");
          }
        });
    return problems;
  }

  /** Both maps as one, the secrets read from {@code environment} or their files. */
  public static Map<String, Object> resolve(
      String prefix,
      Map<String, String> client,
      Map<String, SecretRef> secrets,
      Map<String, String> environment) {
    Map<String, Object> properties = new LinkedHashMap<>(client);
    secrets.forEach(
        (property, secret) ->
            properties.put(
                property, secret.resolve(prefix + ".client-secrets." + property, environment)));
    return properties;
  }
}
