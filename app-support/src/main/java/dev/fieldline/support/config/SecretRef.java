package dev.fieldline.support.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret lives: an environment variable or a file, never the config text itself. In YAML
 * either {@code {env: VARIABLE}} / {@code {file: path}} or the short form {@code env:VARIABLE} /
 * {@code file:path}, which also fits {@code --set} and environment overrides. {@link #toString()}
 * never shows the secret.
 */
public final class SecretRef {
  private String env = "";
  private String file = "";

  public SecretRef() {}

  public static SecretRef fromEnv(String variable) {
    SecretRef ref = new SecretRef();
    ref.env = variable;
    return ref;
  }

  /**
   * The short form, {@code env:VARIABLE} or {@code file:path}. Anything else is refused without
   * being repeated: it may be a secret written where only its reference belongs.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SecretRef parse(String text) {
    if (text != null && text.startsWith("env:") && text.length() > 4) {
      return fromEnv(text.substring(4));
    }
    if (text != null && text.startsWith("file:") && text.length() > 5) {
      return fromFile(Path.of(text.substring(5)));
    }
    throw new ConfigException(
        "a secret is given as env:VARIABLE or file:PATH (or {env: ...} / {file: ...}),"
            + " never as its value");
  }

  public static SecretRef fromFile(Path path) {
    SecretRef ref = new SecretRef();
    ref.file = path.toString();
    return ref;
  }

  public String getEnv() {
    return env;
  }

  public void setEnv(String env) {
    this.env = env == null ? "" : env;
  }

  public String getFile() {
    return file;
  }

  public void setFile(String file) {
    this.file = file == null ? "" : file;
  }

  @JsonIgnore
  public boolean isSet() {
    return !env.isBlank() || !file.isBlank();
  }

  /** Reads the secret from the process environment or the file. */
  public String resolve(String setting) {
    return resolve(setting, System.getenv());
  }

  /**
   * Reads the secret.
   *
   * @param setting the setting's key, named in errors (the secret never is)
   * @throws ConfigException when the variable is unset or the file unreadable or empty
   */
  public String resolve(String setting, Map<String, String> environment) {
    if (!env.isBlank()) {
      String value = environment.get(env);
      if (value == null || value.isEmpty()) {
        throw new ConfigException(
            "setting '" + setting + ".env': environment variable " + env + " is not set");
      }
      return value;
    }
    if (!file.isBlank()) {
      try {
        String value = Files.readString(Path.of(file)).strip();
        if (value.isEmpty()) {
          throw new ConfigException("setting '" + setting + ".file': " + file + " is empty");
        }
        return value;
      } catch (IOException e) {
        throw new ConfigException(
            "setting '"
                + setting
                + ".file': cannot read "
                + file
                + " ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    throw new ConfigException("setting '" + setting + "': set env or file");
  }

  @Override
  public String toString() {
    return !env.isBlank() ? "env:" + env : !file.isBlank() ? "file:" + file : "unset";
  }
}
