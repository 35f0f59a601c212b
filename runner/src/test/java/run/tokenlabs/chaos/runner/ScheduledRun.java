package run.tokenlabs.chaos.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The repository's CronJob ({@code k8s-rbac/cronjob.yaml}) and ConfigMap ({@code k8s-rbac/config.yaml}) turned into
 * a local process: every volume the container mounts becomes a directory under {@code root} named after the volume
 * (the ConfigMap's files in the config volume, a journal key in the Secret's, the PVC's kept across runs), so are the
 * pod's ServiceAccount directory and the image's {@code /opt/tokenlabs-chaos} (the unpacked distribution). The
 * command, args and env are the container's with those paths substituted; the configuration is the ConfigMap's
 * with its paths substituted and its URLs and pins set by the caller.
 */
final class ScheduledRun {
  static final String IMAGE_HOME = "/opt/tokenlabs-chaos";
  static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Container container;
  private final PodSpec pod;
  private final ConfigMap configMap;
  private final Map<String, Path> mounts = new LinkedHashMap<>();

  ScheduledRun(Path manifests, Path distribution, Path root) throws IOException {
    CronJob cronJob = Serialization.unmarshal(Files.readString(manifests.resolve("cronjob.yaml")), CronJob.class);
    configMap = Serialization.unmarshal(Files.readString(manifests.resolve("config.yaml")), ConfigMap.class);
    pod = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    container = pod.getContainers().get(0);
    for (VolumeMount mount : container.getVolumeMounts()) {
      mounts.put(mount.getMountPath(), Files.createDirectories(root.resolve(mount.getName())));
    }
    mounts.put(SERVICE_ACCOUNT_DIR, Files.createDirectories(root.resolve("serviceaccount")));
    mounts.put(IMAGE_HOME, distribution);
  }

  /** The local directory standing for a path of the pod. */
  Path local(String podPath) {
    return Path.of(substitute(podPath));
  }

  /** The directory of a volume, by its name in the CronJob. */
  Path volume(String name) {
    String mountPath = container.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("the CronJob mounts no volume '" + name + "'")).getMountPath();
    return mounts.get(mountPath);
  }

  /** Writes the ConfigMap's files into its volume, each after {@code edit} on the parsed YAML (paths substituted). */
  void writeConfig(Consumer<ObjectNode> edit) throws IOException {
    String configMapName = configMap.getMetadata().getName();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null
        && configMapName.equals(v.getConfigMap().getName())).findFirst().orElseThrow();
    for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
      ObjectNode config = (ObjectNode) YAML.readTree(file.getValue());
      substitutePaths(config);
      edit.accept(config);
      Files.writeString(volume(volume.getName()).resolve(file.getKey()), YAML.writeValueAsString(config));
    }
  }

  /** Writes a Secret's key into its volume, read-only for its owner as the Secret's defaultMode makes it. */
  void writeSecret(String volumeName, String key, String value) throws IOException {
    Path file = volume(volumeName).resolve(key);
    Files.writeString(file, value);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
  }

  /** The container's command and args, paths substituted, then {@code extraArgs}. */
  List<String> command(List<String> extraArgs) {
    List<String> command = new ArrayList<>();
    container.getCommand().forEach(c -> command.add(substitute(c)));
    container.getArgs().forEach(a -> command.add(substitute(a)));
    command.addAll(extraArgs);
    return command;
  }

  /** The container's environment, paths substituted. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    container.getEnv().forEach(e -> env.put(e.getName(), substitute(e.getValue())));
    return env;
  }

  private void substitutePaths(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isTextual()) {
          field.setValue(TextNode.valueOf(substitute(field.getValue().asText())));
        } else {
          substitutePaths(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, TextNode.valueOf(substitute(array.get(i).asText())));
        } else {
          substitutePaths(array.get(i));
        }
      }
    }
  }

  /**
   * Every pod path in {@code text} replaced by its local directory, in one pass (a local directory may itself lie
   * under a pod path such as {@code /tmp}), the longest path first where two start alike.
   */
  String substitute(String text) {
    String alternatives = mounts.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
        .map(Pattern::quote).collect(Collectors.joining("|"));
    Matcher m = Pattern.compile("(?<![\\w/.])(" + alternatives + ")(?=/|\\s|$)").matcher(text);
    StringBuilder result = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(result, Matcher.quoteReplacement(mounts.get(m.group(1)).toString()));
    }
    return m.appendTail(result).toString();
  }
}
