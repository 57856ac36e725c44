package dev.fieldline.global.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.fieldline.support.config.ClientProperties;
import dev.fieldline.support.config.ConfigException;
import dev.fieldline.support.config.SecretRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One regional Kafka cluster: the job reads its regional.export and writes its global topics. */
public class Region {
  /** The region's name, e.g. eu-west; marks the origin of every record read from it. */
  public String name = "";

  /** Bootstrap servers of the region's cluster. */
  public String bootstrapServers = "";

  /** Client properties for every client of this region, e.g. security.protocol: SSL. */
  public Map<String, String> client = new LinkedHashMap<>();

  /** Client properties whose values are secrets, e.g. ssl.keystore.password: {env: KS_PASS}. */
  public Map<String, SecretRef> clientSecrets = new LinkedHashMap<>();

  public Region() {}

  /** The short form {@code name=bootstrap-servers}, as used in environment variables. */
  @JsonCreator
  public static Region parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new ConfigException(
          "region '" + text + "': expected name=bootstrap-servers, e.g. eu-west=kafka-eu:9092");
    }
    return of(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
  }

  public static Region of(String name, String bootstrapServers) {
    Region region = new Region();
    region.name = name;
    region.bootstrapServers = bootstrapServers;
    return region;
  }

  /** Every client property of this region, secrets resolved from the process environment. */
  public Properties clientProperties() {
    return clientProperties(System.getenv());
  }

  /** Every client property of this region, secrets resolved from the given environment. */
  public Properties clientProperties(Map<String, String> environment) {
    Properties properties = new Properties();
    properties.putAll(
        ClientProperties.resolve("regions." + name, client, clientSecrets, environment));
    properties.put("bootstrap.servers", bootstrapServers);
    return properties;
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      problems.add("name: use letters, digits, '.', '_' and '-' only");
    }
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      problems.add("bootstrap-servers: must be set");
    }
    if (client.containsKey("bootstrap.servers")) {
      problems.add("client.bootstrap.servers: set bootstrap-servers instead");
    }
    problems.addAll(ClientProperties.problems("regions." + name, client, clientSecrets));
    return problems;
  }

  @Override
  public String toString() {
    return name + "=" + bootstrapServers;
  }
}
