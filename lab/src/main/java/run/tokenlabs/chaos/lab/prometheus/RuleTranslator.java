package run.tokenlabs.chaos.lab.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns PrometheusRule manifests ({@code apiVersion: monitoring.coreos.com/v1}, {@code kind:
 * PrometheusRule}) into plain Prometheus rule files: {@code spec.groups} is lifted out, every
 * {@code for:} and {@code keep_firing_for:} is multiplied by the profile's factor (so a rule keeps
 * its number of evaluations when the scrape is shorter), and a group's own {@code interval} is
 * dropped so the lab's evaluation interval (= scrape interval) applies. Plain rule files (top-level
 * {@code groups}) are taken as they are, with the same scaling.
 */
public final class RuleTranslator {
  private final ObjectMapper yaml = new YAMLMapper();
  private final ObjectMapper json = new ObjectMapper();
  private final double forScale;

  public RuleTranslator(double forScale) {
    this.forScale = forScale;
  }

  /** Translates every {@code *.yml}/{@code *.yaml} in {@code rulesDir} into {@code outDir}; returns the files. */
  public List<Path> translateDirectory(Path rulesDir, Path outDir) throws IOException {
    if (!Files.isDirectory(rulesDir)) {
      throw new IllegalArgumentException("Rules directory " + rulesDir + " does not exist or is not a directory;"
          + " pass a directory of PrometheusRule manifests, or none");
    }
    Files.createDirectories(outDir);
    List<Path> written = new ArrayList<>();
    List<Path> sources;
    try (Stream<Path> files = Files.list(rulesDir)) {
      sources = files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path source : sources) {
      ArrayNode groups = translate(Files.readString(source), source.getFileName().toString());
      if (groups.isEmpty()) {
        continue;
      }
      Path out = outDir.resolve(source.getFileName().toString().replaceAll("\\.ya?ml$", "") + ".rules.json");
      ObjectNode file = json.createObjectNode();
      file.set("groups", groups);
      Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(file));
      written.add(out);
    }
    return written;
  }

  /** The rule groups of every document in {@code text} (a manifest stream or a plain rule file). */
  public ArrayNode translate(String text, String sourceName) throws IOException {
    ArrayNode groups = json.createArrayNode();
    YAMLFactory factory = (YAMLFactory) yaml.getFactory();
    try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(factory.createParser(text))) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        JsonNode found = groupsOf(doc, sourceName);
        for (JsonNode g : found) {
          groups.add(scaleGroup((ObjectNode) g.deepCopy()));
        }
      }
    }
    return groups;
  }

  private JsonNode groupsOf(JsonNode doc, String sourceName) {
    if ("PrometheusRule".equals(doc.path("kind").asText())) {
      JsonNode groups = doc.path("spec").path("groups");
      if (!groups.isArray()) {
        throw new IllegalArgumentException("PrometheusRule in " + sourceName + " has no spec.groups list; "
            + "expected spec.groups[].rules[]");
      }
      return groups;
    }
    if (doc.has("groups")) {
      return doc.get("groups");
    }
    return json.createArrayNode(); // some other manifest (a ConfigMap, a test file): not ours
  }

  private ObjectNode scaleGroup(ObjectNode group) {
    group.remove("interval");
    for (JsonNode rule : group.path("rules")) {
      ObjectNode r = (ObjectNode) rule;
      for (String field : new String[] {"for", "keep_firing_for"}) {
        if (r.hasNonNull(field)) {
          r.put(field, PromDurations.scale(r.get(field).asText(), forScale));
        }
      }
    }
    return group;
  }
}
