package run.tokenlabs.chaos.lab.golden;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The families a {@code /metrics} page declares ({@code # TYPE} lines) and the label names its
 * samples carry, parsed as Prometheus reads the text format: a sample belongs to the family of its
 * own name, or of its name without {@code _bucket}, {@code _sum} or {@code _count} for histograms and
 * summaries. {@link #missingFrom} compares it with a golden list.
 */
public final class ServedFamilies {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

  private final Map<String, String> types = new LinkedHashMap<>();
  private final Map<String, Set<String>> labels = new LinkedHashMap<>();

  private ServedFamilies() {}

  public static ServedFamilies parse(String page) {
    ServedFamilies served = new ServedFamilies();
    for (String line : page.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] f = line.substring(7).trim().split("\\s+");
        served.types.put(f[0], f[1]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        served.sample(line);
      }
    }
    return served;
  }

  private void sample(String line) {
    Matcher m = SAMPLE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("Not a sample line of the text format: '" + line + "'");
    }
    Set<String> names = labels.computeIfAbsent(familyOf(m.group(1)), k -> new TreeSet<>());
    if (m.group(3) != null) {
      Matcher l = LABEL.matcher(m.group(3));
      while (l.find()) {
        if (!l.group(1).equals("le")) {
          names.add(l.group(1));
        }
      }
    }
  }

  private String familyOf(String sampleName) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      String base = sampleName.endsWith(suffix) ? sampleName.substring(0, sampleName.length() - suffix.length())
          : null;
      if (base != null && ("histogram".equals(types.get(base)) || "summary".equals(types.get(base)))) {
        return base;
      }
    }
    return sampleName;
  }

  /** The type the page declares for a family, or null. */
  public String type(String family) {
    return types.get(family);
  }

  /**
   * What the page lacks of the golden list: families missing, declared with another type, without
   * samples, or whose samples lack golden label names. Empty when the page serves a superset.
   */
  public List<String> missingFrom(GoldenFamilies golden) {
    List<String> gaps = new ArrayList<>();
    for (GoldenFamilies.Family f : golden.families().values()) {
      String type = types.get(f.name());
      Set<String> seen = labels.get(f.name());
      if (type == null) {
        gaps.add(f.name() + ": no such family (expected a " + f.type() + ")");
      } else if (!type.equals(f.type())) {
        gaps.add(f.name() + ": type " + type + ", expected " + f.type());
      } else if (seen == null) {
        gaps.add(f.name() + ": declared but no sample");
      } else if (!seen.containsAll(f.labels())) {
        Set<String> lacking = new TreeSet<>(f.labels());
        lacking.removeAll(seen);
        gaps.add(f.name() + ": samples lack labels " + lacking + " (have " + seen + ")");
      }
    }
    return gaps;
  }
}
