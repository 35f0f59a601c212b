package run.tokenlabs.chaos.scenarios.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The repository's own documents name only classes, members, files and sections that exist, so a
 * rename in the code that leaves {@code docs/} behind fails here instead of misleading a reader.
 */
class DocsReferencesTest {
  /** A code span naming a type, optionally one of its members: {@code `Type`}, {@code `Type.member(args)`}. */
  private static final Pattern TYPE_SPAN = Pattern.compile(
      "`([A-Z][A-Za-z0-9]*)(?:\\.([A-Za-z][A-Za-z0-9_]*))?(?:\\([^`]*\\))?`");
  /** Upper-case words in code spans are constants, labels or enum values, not types. */
  private static final Pattern CONSTANT = Pattern.compile("[A-Z][A-Z0-9_]*");
  /** Types the docs name that live outside this repository. */
  private static final Set<String> EXTERNAL_TYPES = Set.of("AssertionError", "ConditionTimeoutException",
      "ExtensionContext", "Table", "WatchEvent", "Hostname");
  /** A relative Markdown link: {@code [text](path#anchor)}, either part optional. */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]*)(#[^)\\s]+)?\\)");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} (.+)$");
  private static final Pattern ALERT = Pattern.compile("(?m)^\\s*-?\\s*alert: (\\S+)");

  private final Path root = Path.of("").toAbsolutePath().getParent();

  @Test
  @DisplayName("every type and member a doc names in a code span exists in the repository (or is an alert rule)")
  void namedTypesExist() throws IOException {
    RepositoryIndex index = RepositoryIndex.of(root);
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      Matcher m = TYPE_SPAN.matcher(Files.readString(doc));
      while (m.find()) {
        missing.addAll(check(index, root.relativize(doc), m.group(1), m.group(2)));
      }
    }
    assertThat(missing).as("names in docs/ that the code no longer has; rename them in the doc to what the code "
        + "calls them now, or list a name from outside the repository in EXTERNAL_TYPES").isEmpty();
  }

  @Test
  @DisplayName("every relative link in docs/ and the README points at an existing file and heading")
  void linksResolve() throws IOException {
    List<Path> sources = new ArrayList<>(docs());
    sources.add(root.resolve("README.md"));
    List<String> broken = new ArrayList<>();
    for (Path source : sources) {
      Matcher m = LINK.matcher(Files.readString(source));
      while (m.find()) {
        if (!m.group(1).contains("://")) {
          broken.addAll(resolve(source, m.group(1), m.group(2)));
        }
      }
    }
    assertThat(broken).as("links that lead nowhere; fix the path or the heading they name").isEmpty();
  }

  @Test
  @DisplayName("a heading's anchor is GitHub's: lower case, punctuation dropped, spaces as hyphens")
  void anchorsAreGitHubs() {
    assertThat(anchor("Targets: the lab and a cluster")).isEqualTo("targets-the-lab-and-a-cluster");
    assertThat(anchor("OkHttp's defaults")).isEqualTo("okhttps-defaults");
    assertThat(anchor("Multi-window, multi-burn-rate alerts (SRE Workbook)"))
        .isEqualTo("multi-window-multi-burn-rate-alerts-sre-workbook");
    assertThat(anchor("The `lab` target")).isEqualTo("the-lab-target");
  }

  private List<String> check(RepositoryIndex index, Path doc, String type, String member) throws IOException {
    if (CONSTANT.matcher(type).matches() || EXTERNAL_TYPES.contains(type) || index.alerts().contains(type)) {
      return List.of();
    }
    List<Path> sources = index.sourcesOf(type);
    if (sources.isEmpty()) {
      return List.of(doc + ": `" + type + "` (no " + type + ".java in the repository, no alert rule of that name)");
    }
    return member == null || hasWord(sources, member) ? List.of()
        : List.of(doc + ": `" + type + "." + member + "` (" + type + ".java has no " + member + ")");
  }

  private static boolean hasWord(List<Path> sources, String word) throws IOException {
    Pattern pattern = Pattern.compile("\\b" + Pattern.quote(word) + "\\b");
    for (Path source : sources) {
      if (pattern.matcher(Files.readString(source)).find()) {
        return true;
      }
    }
    return false;
  }

  private List<String> resolve(Path source, String path, String fragment) throws IOException {
    Path target = path.isEmpty() ? source : source.getParent().resolve(path).normalize();
    String where = root.relativize(source) + ": (" + path + (fragment == null ? "" : fragment) + ")";
    if (!Files.exists(target)) {
      return List.of(where + " names a file that does not exist");
    }
    if (fragment == null || Files.isDirectory(target)) {
      return List.of();
    }
    List<String> anchors = new ArrayList<>();
    HEADING.matcher(Files.readString(target)).results().forEach(h -> anchors.add(anchor(h.group(1))));
    return anchors.contains(fragment.substring(1)) ? List.of()
        : List.of(where + " names a heading that " + root.relativize(target) + " does not have");
  }

  /** GitHub's anchor of a Markdown heading. */
  static String anchor(String heading) {
    return heading.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  private List<Path> docs() throws IOException {
    try (var files = Files.list(root.resolve("docs"))) {
      return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  /** The repository's Java sources by simple name, and the alert rules in {@code rules/}. */
  private record RepositoryIndex(List<Path> javaFiles, Set<String> alerts) {
    static RepositoryIndex of(Path root) throws IOException {
      List<Path> java;
      try (var files = Files.walk(root)) {
        java = files.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")).toList();
      }
      Set<String> alerts = new java.util.HashSet<>();
      try (var files = Files.walk(root.resolve("rules"))) {
        for (Path rule : files.filter(p -> p.toString().matches(".*\\.ya?ml$")).toList()) {
          ALERT.matcher(Files.readString(rule)).results().forEach(r -> alerts.add(r.group(1)));
        }
      }
      return new RepositoryIndex(java, alerts);
    }

    List<Path> sourcesOf(String type) {
      return javaFiles.stream().filter(p -> p.getFileName().toString().equals(type + ".java")).toList();
    }
  }
}
