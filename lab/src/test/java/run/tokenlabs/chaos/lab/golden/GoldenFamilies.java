package run.tokenlabs.chaos.lab.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A golden fixture of a real exporter's metric families (test resources under {@code golden/}):
 * one line per family, {@code name type labels}, labels comma-separated or {@code -}; {@code #}
 * lines are comments that say where the list comes from.
 */
public final class GoldenFamilies {
  /** One family a real exporter serves. */
  public record Family(String name, String type, Set<String> labels) {}

  private final String resource;
  private final Map<String, Family> families;

  private GoldenFamilies(String resource, Map<String, Family> families) {
    this.resource = resource;
    this.families = families;
  }

  /** Reads {@code golden/<file>} from the test class path. */
  public static GoldenFamilies load(String file) {
    String resource = "golden/" + file;
    try (InputStream in = GoldenFamilies.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("No golden fixture " + resource + " on the test class path");
      }
      Map<String, Family> families = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] f = trimmed.split("\\s+");
        if (f.length != 3) {
          throw new IllegalStateException(resource + ": expected 'name type labels', saw '" + line + "'");
        }
        Set<String> labels = f[2].equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(f[2].split(",")));
        families.put(f[0], new Family(f[0], f[1], labels));
      }
      return new GoldenFamilies(resource, families);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  public String resource() {
    return resource;
  }

  public Map<String, Family> families() {
    return families;
  }

  /** The same list without these families (a profile that deliberately lacks them). */
  public GoldenFamilies without(Set<String> names) {
    Map<String, Family> rest = new LinkedHashMap<>(families);
    for (String name : names) {
      if (rest.remove(name) == null) {
        throw new IllegalArgumentException(name + " is not in " + resource + ": nothing to leave out");
      }
    }
    return new GoldenFamilies(resource, rest);
  }
}
