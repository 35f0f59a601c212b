package run.tokenlabs.chaos.scenarios.rbac;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The Kubernetes objects of the repository's {@code k8s-rbac/} directory, parsed by fabric8. */
final class K8sRbacManifests {
  private final List<HasMetadata> objects;

  private K8sRbacManifests(List<HasMetadata> objects) {
    this.objects = objects;
  }

  /** The directory, found from the scenarios module. */
  static Path directory() {
    return moduleDirectory().getParent().resolve("k8s-rbac");
  }

  /**
   * The scenarios module: surefire and failsafe name it in {@code basedir}, also when tests run in
   * Maven's own JVM, whose working directory is wherever Maven was started.
   */
  static Path moduleDirectory() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  /** Every object of every YAML file but kustomization.yaml, which is not a Kubernetes object. */
  static K8sRbacManifests load() throws IOException {
    return load(directory());
  }

  /** The opt-in grants of {@code k8s-rbac/opt-in/}, outside the default kustomization (exec into the DCGM pods). */
  static K8sRbacManifests optIn() throws IOException {
    return load(directory().resolve("opt-in"));
  }

  private static K8sRbacManifests load(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new K8sRbacManifests(files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml"))
          .sorted().flatMap(K8sRbacManifests::documents).map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList());
    }
  }

  private static Stream<String> documents(Path file) {
    try {
      return Arrays.stream(Files.readString(file).split("(?m)^---$")).filter(d -> !d.isBlank());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The only object of a type; fails naming the type when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + type.getSimpleName() + " in " + directory() + ", found "
          + found.size());
    }
    return found.get(0);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
