package io.cordwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML config file: a mapping of declared keys to values or lists of values. It is strict on
 * purpose: an unknown key (a typo such as {@code dicom_port}) stops start-up naming the key and
 * listing the known ones, rather than leaving the setting at its default unnoticed.
 */
final class ConfigFile {
  private ConfigFile() {}

  /** The file's values as text by key (a list becomes its items joined with commas). */
  static Map<String, String> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException(
          "config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + ": expected a mapping of keys to values");
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (Keys.byKey(e.getKey()) == null) {
        throw new ConfigException(
            "config file "
                + file
                + ": unknown key '"
                + e.getKey()
                + "' (known: "
                + String.join(", ", Keys.sortedKeys())
                + ")");
      }
      JsonNode n = e.getValue();
      if (n.isArray()) {
        List<String> items = new ArrayList<>();
        n.forEach(x -> items.add(x.asText()));
        out.put(e.getKey(), String.join(",", items));
      } else if (n.isValueNode()) {
        out.put(e.getKey(), n.asText());
      } else {
        throw new ConfigException(
            "config file " + file + ": key '" + e.getKey() + "' must be a value or a list");
      }
    }
    return out;
  }
}
