package run.tokenlabs.chaos.runner.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner image as the recipe builds it (runner/pom.xml, Jib), read from the tar the build wrote against the
 * stand-in base ({@link StandInBaseImage}).
 *
 * <p>What this proves: the entrypoint, user, environment, working directory and labels the recipe sets, that the
 * base's layers come first and unchanged, that every jar of the runner's classpath is in a layer a non-root user
 * can read, that the CronJob in k8s-rbac/ runs this image as its entrypoint and user, and ({@link
 * ImageFilesystemRunIT}) that the launcher starts the runner from the image's own files. What it cannot prove
 * here: that a real base image pulls, or that the image starts under a container runtime with the base's Java;
 * no base image can be pulled and no container runtime is available where the build runs.
 */
class ImageRecipeIT {

  static final Path BUILT = Path.of("target", "image-check", "tokenlabs-chaos-runner.tar");
  static final Path BASE = Path.of("target", "image-check", "stand-in-base.tar");
  static final String APP_ROOT = "opt/tokenlabs-chaos";
  static final String MAIN_CLASS = "run.tokenlabs.chaos.runner.GameDayRunner";
  static final String LAUNCHER = APP_ROOT + "/bin/tokenlabs-chaos";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static ImageTar image;
  static ImageTar base;

  @BeforeAll
  static void readImages() throws IOException {
    image = ImageTar.read(BUILT);
    base = ImageTar.read(BASE);
  }

  @Test
  void isTaggedWithTheNameTheCronJobPulls() {
    assertThat(image.manifest().get("RepoTags").get(0).asText()).startsWith("tokenlabs-chaos-runner:");
  }

  @Test
  void entrypointIsTheLauncherInExecFormAndItExecsTheJvm() {
    List<String> entrypoint = strings(image.config().path("config").path("Entrypoint"));
    // exec form: the runtime starts the launcher as PID 1 with no shell in between, and the launcher execs
    // java, so SIGTERM reaches the JVM's rollback hook
    assertThat(entrypoint).containsExactly("/" + LAUNCHER);
    assertThat(image.config().path("config").path("Entrypoint").isArray()).isTrue();
    TarArchiveEntry launcher = image.filesystem().get(LAUNCHER);
    assertThat(launcher).as("the launcher in the image").isNotNull();
    assertThat(launcher.getMode() & 0111).as("executable by the runner's non-root user").isEqualTo(0111);
    String script = new String(image.content(LAUNCHER), StandardCharsets.UTF_8);
    assertThat(script).contains("exec \"$JAVA\"").contains("jib-classpath-file").contains(MAIN_CLASS);
    assertThat(entrypoint).as("the base's own entrypoint is replaced").doesNotContainAnyElementsOf(
        StandInBaseImage.BASE_ENTRYPOINT);
    // no Cmd: the CronJob's args are the runner's arguments, nothing is prepended
    JsonNode cmd = image.config().path("config").path("Cmd");
    assertThat(cmd.isMissingNode() || cmd.isNull() || cmd.isEmpty()).isTrue();
  }

  @Test
  void carriesTheDistributionsReportToolAndRules() {
    Map<String, TarArchiveEntry> files = image.filesystem();
    assertThat(files.keySet()).as("Allure's command line, for the HTML report")
        .anyMatch(path -> path.matches(APP_ROOT + "/allure/lib/allure-commandline-[^/]+\\.jar"));
    assertThat(files.keySet()).as("the alert rules the lab target loads")
        .anyMatch(path -> path.matches(APP_ROOT + "/rules/[^/]+\\.yaml"));
    assertThat(files.keySet()).as("no second copy of the jars: Jib layers them under libs/")
        .noneMatch(path -> path.startsWith(APP_ROOT + "/lib/"));
  }

  @Test
  void cronJobRunsWhatTheRecipeBuilds() throws IOException {
    JsonNode cronJob = YAML.readTree(Path.of("..", "k8s-rbac", "cronjob.yaml").toFile());
    JsonNode pod = cronJob.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    String repository = image.manifest().get("RepoTags").get(0).asText().replaceFirst(":[^:/]+$", "");
    assertThat(container.path("image").asText()).isEqualTo(repository);
    JsonNode kustomization = YAML.readTree(Path.of("..", "k8s-rbac", "kustomization.yaml").toFile());
    assertThat(kustomization.path("images")).anySatisfy(entry -> {
      assertThat(entry.path("name").asText()).isEqualTo(repository);
      assertThat(entry.path("digest").asText()).as("pinned by digest, never a tag").startsWith("sha256:");
    });
    List<String> command = strings(container.path("command"));
    assertThat(command).as("the CronJob's command is the image's entrypoint")
        .isEqualTo(strings(image.config().path("config").path("Entrypoint")));
    String user = pod.path("securityContext").path("runAsUser").asText() + ":"
        + pod.path("securityContext").path("runAsGroup").asText();
    assertThat(user).isEqualTo(image.config().path("config").path("User").asText());
  }

  @Test
  void theLauncherRunsByItsBareNameAsLoadWorkerPodsCallIt() {
    TarArchiveEntry onPath = image.filesystem().get("usr/local/bin/tokenlabs-chaos");
    assertThat(onPath).as("tokenlabs-chaos in /usr/local/bin, on the base's PATH").isNotNull();
    assertThat(onPath.getMode() & 0111).as("executable by the runner's non-root user").isEqualTo(0111);
    assertThat(new String(image.content("usr/local/bin/tokenlabs-chaos"), StandardCharsets.UTF_8))
        .contains("exec /" + LAUNCHER + " \"$@\"");
    assertThat(StandInBaseImage.ENV).anySatisfy(entry -> assertThat(entry).startsWith("PATH=").contains("/usr/local/bin"));
  }

  @Test
  void runsAsTheNonRootUserTheCronJobNames() {
    String user = image.config().path("config").path("User").asText();
    assertThat(user).isEqualTo("10001:10001");
    assertThat(image.config().path("config").path("WorkingDir").asText()).isEqualTo("/tmp");
  }

  @Test
  void keepsTheBaseEnvironmentSoJavaIsOnThePath() {
    List<String> env = strings(image.config().path("config").path("Env"));
    assertThat(env).containsAll(StandInBaseImage.ENV);
    assertThat(env).contains("JAVA_OPTS=-XX:MaxRAMPercentage=75 -Duser.home=/tmp -Djava.io.tmpdir=/tmp");
    assertThat(env).anySatisfy(entry -> assertThat(entry).startsWith("PATH=").contains("/opt/java/openjdk/bin"));
  }

  @Test
  void baseLayersComeFirstAndUnchanged() {
    assertThat(image.layers().size()).isGreaterThan(base.layers().size());
    for (int i = 0; i < base.layers().size(); i++) {
      assertThat(image.layers().get(i).diffId()).isEqualTo(base.layers().get(i).diffId());
    }
    assertThat(image.filesystem()).containsKey(StandInBaseImage.RELEASE_FILE);
  }

  @Test
  void everyClasspathEntryIsInTheImageAndReadableByTheRunner() {
    List<String> classpath = classpath();
    assertThat(classpath).isNotEmpty();
    Map<String, TarArchiveEntry> files = image.filesystem();
    List<String> missing = new ArrayList<>();
    for (String entry : classpath) {
      String path = entry.replaceFirst("^/", "");
      if (!files.containsKey(path)) {
        missing.add(entry);
      } else {
        assertThat(files.get(path).getMode() & 0004).as("%s readable by others (the runner is not root)", entry)
            .isNotZero();
      }
    }
    assertThat(missing).as("classpath entries with no file in any layer").isEmpty();
    assertThat(classpath).anyMatch(e -> e.matches(".*/libs/tokenlabs-chaos-engine-[^/]+\\.jar"));
    assertThat(classpath).anyMatch(e -> e.matches(".*/libs/tokenlabs-chaos-reports-[^/]+\\.jar"));
    assertThat(classpath).as("the experiments, the same classes mvn -Pchaos verify runs")
        .anyMatch(e -> e.matches(".*/libs/tokenlabs-chaos-scenarios-[^/]+-tests\\.jar"));
    assertThat(classpath).anyMatch(e -> e.matches(".*/libs/junit-platform-launcher-[^/]+\\.jar"));
    assertThat(files).containsKey(APP_ROOT + "/classes/" + MAIN_CLASS.replace('.', '/') + ".class");
  }

  @Test
  void thirdPartyJarsSitBelowTheProjectsOwnLayers() {
    // layers that change every build (our classes and SNAPSHOT jars) above those that rarely change, so a
    // node that pulled last week's image fetches only the top layers
    List<String> classpath = classpath();
    String thirdParty = path(classpath, ".*/libs/jackson-databind-[^/]+\\.jar");
    String ours = path(classpath, ".*/libs/tokenlabs-chaos-engine-[^/]+\\.jar");
    assertThat(image.layerOf(thirdParty)).isLessThan(image.layerOf(ours));
    assertThat(image.layerOf(ours)).isLessThan(
        image.layerOf(APP_ROOT + "/classes/" + MAIN_CLASS.replace('.', '/') + ".class"));
  }

  private static List<String> classpath() {
    String file = new String(image.content(APP_ROOT + "/jib-classpath-file"), StandardCharsets.UTF_8).trim();
    return List.of(file.split(":"));
  }

  private static String path(List<String> classpath, String regex) {
    return classpath.stream().filter(e -> e.matches(regex)).findFirst()
        .orElseThrow(() -> new AssertionError("no classpath entry matches " + regex + " in " + classpath))
        .replaceFirst("^/", "");
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }
}
