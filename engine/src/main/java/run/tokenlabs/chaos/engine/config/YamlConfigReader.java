package run.tokenlabs.chaos.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Reads the YAML configuration file into {@link ConfigValue}s keyed by dotted key, remembering the
 * line of every key so errors can say {@code tokenlabs-chaos.yaml:7}. Unknown keys are errors: a
 * typo in a safety setting must not pass silently. So are duplicate keys: YAML parsers keep the
 * last one, and {@code dryRun: true} followed further down by {@code dryRun: false} would arm a run
 * its author believes is dry.
 */
final class YamlConfigReader {
  // Strict duplicate detection backs up the check in lineNumbers(), which names both lines.
  private static final YAMLFactory YAML = YAMLFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(YAML);
  /** For the line scan, which reports duplicates itself with both lines. */
  private static final YAMLFactory YAML_LENIENT = new YAMLFactory();

  private YamlConfigReader() {
  }

  static Map<String, ConfigValue> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("tokenlabs.chaos.config: file '" + file + "' does not exist or is not a file; "
          + "give the path of a readable YAML file, or leave the property unset to use the defaults");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("tokenlabs.chaos.config: cannot read '" + file + "': " + e, e);
    }
    Map<String, Integer> lines = lineNumbers(file, text);
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntaxError(file, e);
    }
    Map<String, ConfigValue> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException(file + ":1: the configuration must be a YAML mapping of keys (e.g. 'target: lab'), "
          + "found " + root.getNodeType());
    }
    collect(file, "", root, lines, values);
    return values;
  }

  private static void collect(Path file, String section, JsonNode object, Map<String, Integer> lines,
                              Map<String, ConfigValue> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = section.isEmpty() ? field.getKey() : section + "." + field.getKey();
      String origin = file.getFileName() + ":" + lines.getOrDefault(key, 0);
      ConfigKeys.Kind kind = ConfigKeys.KEYS.get(key);
      JsonNode node = field.getValue();
      if (kind == null && node.isObject() && ConfigKeys.isSection(key)) {
        collect(file, key, node, lines, out);
      } else if (kind == null) {
        throw new ConfigException("unknown key '" + key + "' at " + origin + "; known keys"
            + (section.isEmpty() ? "" : " under '" + section + "'") + ": " + ConfigKeys.childrenOf(section));
      } else {
        out.put(key, new ConfigValue(key, asText(node), node, origin));
      }
    }
  }

  private static String asText(JsonNode node) {
    if (node.isArray()) {
      // a nested item keeps its shape, so an error about it shows what was written
      return StreamSupport.stream(node.spliterator(), false).map(n -> n.isValueNode() ? n.asText() : n.toString())
          .collect(Collectors.joining(","));
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** Dotted key to the line its name is on, from the streaming parser (the tree keeps no locations). */
  private static Map<String, Integer> lineNumbers(Path file, String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = YAML_LENIENT.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME) {
          String key = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
          int line = parser.currentTokenLocation().getLineNr();
          Integer first = lines.putIfAbsent(key, line);
          if (first != null) {
            throw duplicate(file, key, first, line);
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw syntaxError(file, e);
    } catch (IOException e) {
      throw new ConfigException("cannot read '" + file + "': " + e, e);
    }
    return lines;
  }

  private static ConfigException duplicate(Path file, String key, int first, int again) {
    return new ConfigException("duplicate key '" + key + "' at " + file.getFileName() + ":" + again + " (first at line "
        + first + "); a YAML reader would silently keep only the last value, so the file is refused: keep one of them");
  }

  private static ConfigException syntaxError(Path file, JsonProcessingException e) {
    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    return new ConfigException(file.getFileName() + ":" + line + ": not valid YAML: " + e.getOriginalMessage()
        + "; fix the syntax (indent with spaces, 'key: value')", e);
  }
}
