package run.tokenlabs.chaos.scenarios.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads PrometheusRule manifests ({@code apiVersion: monitoring.coreos.com/v1}, {@code kind:
 * PrometheusRule}) and turns them into the plain rule files that {@code prometheus} and {@code
 * promtool} read: the manifest's {@code spec.groups}, unchanged, under a top-level {@code groups}.
 *
 * <p>The manifests in {@code rules/} are what a cluster applies and the lab loads; they are generated
 * ({@code rules/generate-manifests.sh}) from the plain rule files in {@code rules/prometheus/}, which
 * promtool reads as they are. This class reads both sides, so a test can check that they agree. A
 * manifest file may hold several YAML documents; every document must be a PrometheusRule, and their
 * groups are concatenated in order. Stateless and thread-safe.
 */
public final class PrometheusRuleManifests {
  static final String API_VERSION = "monitoring.coreos.com/v1";
  static final String KIND = "PrometheusRule";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .build();

  private PrometheusRuleManifests() {}

  /**
   * The plain rule file (YAML, top-level {@code groups}) for the manifest at {@code manifest}.
   *
   * @throws InvalidRuleManifestException if the file is not YAML, not a PrometheusRule, or has no
   *     usable {@code spec.groups}; the message names the file and what to change
   * @throws UncheckedIOException if the file cannot be read
   */
  public static String extractGroups(Path manifest) {
    ObjectNode plain = JsonNodeFactory.instance.objectNode();
    plain.set("groups", groupsOf(manifest));
    try {
      return YAML.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the rule groups of " + manifest + " as YAML", e);
    }
  }

  /**
   * Extracts every manifest ({@code *.yaml}, {@code *.yml}) directly inside {@code rulesDir} into
   * {@code outDir}, each under its own file name, and returns the files written in name order.
   * Subdirectories (such as {@code tests/}) are not read.
   */
  public static List<Path> extractDirectory(Path rulesDir, Path outDir) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(outDir);
      for (Path manifest : manifestsIn(rulesDir)) {
        Path out = outDir.resolve(manifest.getFileName().toString());
        Files.writeString(out, extractGroups(manifest));
        written.add(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not extract the rule manifests of " + rulesDir + " into " + outDir, e);
    }
    return written;
  }

  /** The manifest files ({@code *.yaml}, {@code *.yml}) directly inside {@code rulesDir}, in name order. */
  public static List<Path> manifestsIn(Path rulesDir) {
    if (!Files.isDirectory(rulesDir)) {
      throw new IllegalArgumentException("Rules directory " + rulesDir + " does not exist or is not a directory");
    }
    try (Stream<Path> files = Files.list(rulesDir)) {
      return files.filter(Files::isRegularFile).filter(PrometheusRuleManifests::isYaml).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + rulesDir, e);
    }
  }

  /** Where the plain rule files, the source of the manifests, live inside the rules directory. */
  public static final String SOURCES = "prometheus";
  /** The suffix of a plain rule file there. */
  public static final String SOURCE_SUFFIX = ".rules.yml";

  /** The plain rule files ({@code prometheus/*.rules.yml}) of {@code rulesDir}, in name order. */
  public static List<Path> sourcesIn(Path rulesDir) {
    Path dir = rulesDir.resolve(SOURCES);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Rules directory " + rulesDir + " has no " + SOURCES + "/ directory of "
          + "plain rule files (*" + SOURCE_SUFFIX + "), the source of its manifests");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(SOURCE_SUFFIX)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + dir, e);
    }
  }

  /** The manifest generated from the plain rule file {@code source}: {@code rules/<name>.yaml}. */
  public static Path manifestOf(Path source) {
    String file = source.getFileName().toString();
    String name = file.substring(0, file.length() - SOURCE_SUFFIX.length());
    return source.toAbsolutePath().getParent().getParent().resolve(name + ".yaml");
  }

  /** The top-level {@code groups} of a plain rule file. */
  public static JsonNode plainGroupsOf(Path source) {
    try {
      JsonNode groups = YAML.readTree(source.toFile()).path("groups");
      if (!groups.isArray() || groups.isEmpty()) {
        throw new IllegalArgumentException("Plain rule file " + source + " has no top-level groups list; write "
            + "groups: [{name: ..., rules: [...]}] as promtool expects");
      }
      return groups;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read plain rule file " + source, e);
    }
  }

  /** The {@code metadata.name} of the (first) PrometheusRule in {@code manifest}. */
  public static String nameOf(Path manifest) {
    List<JsonNode> documents = documentsOf(manifest);
    return documents.isEmpty() ? "" : documents.get(0).path("metadata").path("name").asText("");
  }

  /** The {@code spec.groups} of every document in {@code manifest}, concatenated. */
  static ArrayNode groupsOf(Path manifest) {
    ArrayNode groups = JsonNodeFactory.instance.arrayNode();
    List<JsonNode> documents = documentsOf(manifest);
    if (documents.isEmpty()) {
      throw new InvalidRuleManifestException(manifest, "it holds no YAML document",
          "write a PrometheusRule manifest (apiVersion " + API_VERSION + ", kind " + KIND + ", spec.groups)");
    }
    for (int i = 0; i < documents.size(); i++) {
      groups.addAll(groupsOfDocument(manifest, documents.size() == 1 ? "" : " (document " + (i + 1) + ")",
          documents.get(i)));
    }
    return groups;
  }

  private static ArrayNode groupsOfDocument(Path manifest, String where, JsonNode doc) {
    if (!doc.isObject()) {
      throw new InvalidRuleManifestException(manifest, "the top level" + where + " is not a mapping",
          "write a PrometheusRule manifest (apiVersion " + API_VERSION + ", kind " + KIND + ", spec.groups)");
    }
    String kind = doc.path("kind").asText("");
    if (!KIND.equals(kind)) {
      String fix = doc.has("groups")
          ? "this looks like a plain rule file; wrap it as kind: " + KIND + " with its groups under spec.groups,"
              + " or keep it out of the rules directory"
          : "set kind: " + KIND;
      throw new InvalidRuleManifestException(manifest, "kind" + where + " is '" + kind + "', not " + KIND, fix);
    }
    String apiVersion = doc.path("apiVersion").asText("");
    if (!API_VERSION.equals(apiVersion)) {
      throw new InvalidRuleManifestException(manifest, "apiVersion" + where + " is '" + apiVersion + "'",
          "set apiVersion: " + API_VERSION);
    }
    JsonNode groups = doc.path("spec").path("groups");
    if (!groups.isArray() || groups.isEmpty()) {
      throw new InvalidRuleManifestException(manifest, "spec.groups" + where + " is "
          + (groups.isMissingNode() ? "missing" : "not a non-empty list"),
          "put the rule groups under spec.groups: [{name: ..., rules: [...]}]");
    }
    for (JsonNode group : groups) {
      checkGroup(manifest, where, group);
    }
    return (ArrayNode) groups.deepCopy();
  }

  private static void checkGroup(Path manifest, String where, JsonNode group) {
    String name = group.path("name").asText("");
    if (name.isBlank()) {
      throw new InvalidRuleManifestException(manifest, "a group in spec.groups" + where + " has no name",
          "give every group a name");
    }
    if (!group.path("rules").isArray() || group.path("rules").isEmpty()) {
      throw new InvalidRuleManifestException(manifest, "group '" + name + "'" + where + " has no rules list",
          "list the group's alerting/recording rules under rules:");
    }
  }

  private static List<JsonNode> documentsOf(Path manifest) {
    String text;
    try {
      text = Files.readString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read rule manifest " + manifest, e);
    }
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          documents.add(doc);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidRuleManifestException(manifest, "it is not valid YAML: " + e.getMessage(),
          "fix the YAML syntax (indentation, quoting) at the position given");
    }
    return documents;
  }

  private static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
