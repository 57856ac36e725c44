package dev.fieldline.support.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Loads a typed config: the class's defaults, then a YAML file, then environment variables, then
 * explicit {@code key=value} overrides, and validates the result.
 *
 * <p>Keys are dotted kebab-case paths ({@code kafka.bootstrap-servers}); each key's environment
 * variable is the prefix plus the key in upper case with dots and dashes as underscores ({@code
 * FIELDLINE_KAFKA_BOOTSTRAP_SERVERS}). An unknown key, a wrong type or a failed validation stops
 * loading with a {@link ConfigException} that names the setting.
 */
public final class ConfigLoader<T extends Validated> {
  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .addModule(Durations.module())
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private final Class<T> type;
  private final String envPrefix;

  public ConfigLoader(Class<T> type, String envPrefix) {
    this.type = type;
    this.envPrefix = envPrefix;
  }

  /** Loads from an optional file, the process environment and the given overrides. */
  public T load(Path file, List<String> overrides) {
    return load(file, System.getenv(), overrides);
  }

  public T load(Path file, Map<String, String> environment, List<String> overrides) {
    ObjectNode tree = defaultsTree();
    List<String> openMaps = openMapKeys(tree, "");
    if (file != null) {
      merge(tree, readFile(file), "");
    }
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (String key : leafKeys(defaultsTree(), "")) {
      String value = environment.get(envName(key));
      // Empty counts as unset: compose files and shells pass unset variables as "".
      if (value != null && !value.isEmpty()) {
        fromEnv.put(key, value);
      }
    }
    fromEnv.forEach(
        (key, value) -> set(tree, openMaps, key, value, "environment variable " + envName(key)));
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("override '" + override + "' is not key=value");
      }
      set(
          tree,
          openMaps,
          override.substring(0, eq).strip(),
          override.substring(eq + 1),
          "override");
    }
    T config = bind(tree);
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** The name of the environment variable that overrides {@code key}. */
  public String envName(String key) {
    return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The defaults as YAML with every key, for documentation and {@code config --defaults}. */
  public String defaultsAsYaml() {
    try {
      return YAML.writeValueAsString(defaultsTree());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The defaults as YAML followed by each key's environment variable, for a CLI's help. */
  public String describe() {
    StringBuilder text = new StringBuilder(defaultsAsYaml());
    text.append("# environment overrides:\n");
    keys()
        .forEach(
            key ->
                text.append("#   ").append(envName(key)).append(" -> ").append(key).append('\n'));
    return text.toString();
  }

  /** Every leaf key of the defaults, dotted. */
  public List<String> keys() {
    return leafKeys(defaultsTree(), "");
  }

  /** Renders any config object as YAML, e.g. the effective config at start-up. */
  public static String toYaml(Object config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode defaultsTree() {
    try {
      return YAML.valueToTree(type.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + " needs a public no-argument constructor", e);
    }
  }

  private static JsonNode readFile(Path file) {
    try {
      JsonNode node = YAML.readTree(Files.readString(file));
      if (node == null || node.isMissingNode() || node.isNull()) {
        return YAML.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException("config file " + file + " must hold a YAML mapping");
      }
      return node;
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
    }
  }

  /** Copies {@code source} over {@code target}, refusing keys the defaults do not have. */
  private static void merge(ObjectNode target, JsonNode source, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new ConfigException("unknown setting '" + key + "'" + suggestion(target, prefix));
      }
      if (existing.isObject() && field.getValue().isObject() && !isOpenMap(existing)) {
        merge((ObjectNode) existing, field.getValue(), key + ".");
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  /** Maps of free-form entries (e.g. Kafka client properties) are empty in the defaults. */
  private static boolean isOpenMap(JsonNode node) {
    return node.isObject() && node.isEmpty();
  }

  private static void set(
      ObjectNode tree, List<String> openMaps, String key, String value, String origin) {
    String[] parts = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        throw new ConfigException("unknown setting '" + key + "' (from " + origin + ")");
      }
      String path = String.join(".", java.util.Arrays.copyOfRange(parts, 0, i + 1));
      if (openMaps.contains(path)) {
        // Free-form map: the rest of the key is one entry, e.g. kafka.client.security.protocol.
        ((ObjectNode) child)
            .set(
                String.join(".", java.util.Arrays.copyOfRange(parts, i + 1, parts.length)),
                new TextNode(value));
        return;
      }
      node = (ObjectNode) child;
    }
    String leaf = parts[parts.length - 1];
    JsonNode existing = node.get(leaf);
    if (existing == null) {
      throw new ConfigException("unknown setting '" + key + "' (from " + origin + ")");
    }
    if (existing.isArray()) {
      var array = node.putArray(leaf);
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          array.add(item.strip());
        }
      }
    } else {
      node.set(leaf, new TextNode(value));
    }
  }

  private T bind(ObjectNode tree) {
    try {
      return YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException("unknown setting '" + path(e) + "'");
    } catch (InvalidFormatException e) {
      throw new ConfigException(
          "setting '" + path(e) + "': '" + e.getValue() + "' is not a valid " + expected(e));
    } catch (MismatchedInputException e) {
      throw new ConfigException("setting '" + path(e) + "': " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read the configuration: " + e.getMessage());
    }
  }

  private static String expected(InvalidFormatException e) {
    Class<?> target = e.getTargetType();
    if (target != null && target.isEnum()) {
      return "value; expected one of "
          + java.util.Arrays.stream(target.getEnumConstants())
              .map(c -> c.toString().toLowerCase(Locale.ROOT).replace('_', '-'))
              .collect(Collectors.joining(", "));
    }
    return target == null ? "value" : target.getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String suggestion(ObjectNode siblings, String prefix) {
    List<String> names = new ArrayList<>();
    siblings.fieldNames().forEachRemaining(name -> names.add(prefix + name));
    return names.isEmpty() ? "" : " (known here: " + String.join(", ", names) + ")";
  }

  /** Keys of free-form maps: those that are empty objects in the defaults. */
  private static List<String> openMapKeys(JsonNode node, String prefix) {
    List<String> keys = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            field -> {
              if (isOpenMap(field.getValue())) {
                keys.add(prefix + field.getKey());
              } else if (field.getValue().isObject()) {
                keys.addAll(openMapKeys(field.getValue(), prefix + field.getKey() + "."));
              }
            });
    return keys;
  }

  private static List<String> leafKeys(JsonNode node, String prefix) {
    List<String> keys = new ArrayList<>();
    node.fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().isObject() && !field.getValue().isEmpty()) {
                keys.addAll(leafKeys(field.getValue(), prefix + field.getKey() + "."));
              } else {
                keys.add(prefix + field.getKey());
              }
            });
    return keys;
  }
}
