package run.tokenlabs.chaos.runner.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A stand-in for the runner image's base, written as `docker save` writes an image: a JRE-shaped layer and
 * the config a Temurin JRE image carries (its {@code PATH}, {@code JAVA_HOME} and an entrypoint of its own).
 *
 * <p>No base image can be pulled where the build runs, so the image recipe is checked against this one; what
 * the check proves about the recipe holds for any base (ImageRecipeIT says which parts). The build runs it
 * before {@code package}: {@code StandInBaseImage <tar path>}.
 */
public final class StandInBaseImage {

  static final String JAVA_HOME = "/opt/java/openjdk";
  static final List<String> ENV = List.of(
      "PATH=" + JAVA_HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=" + JAVA_HOME,
      "LANG=en_US.UTF-8");
  /** What Temurin's images run first; the runner image must replace it with its own entrypoint. */
  static final List<String> BASE_ENTRYPOINT = List.of("/__cacert_entrypoint.sh");
  static final String RELEASE_FILE = "opt/java/openjdk/release";

  private StandInBaseImage() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: StandInBaseImage <tar to write>; got " + List.of(args));
    }
    write(Path.of(args[0]));
  }

  static void write(Path tar) throws IOException {
    byte[] layer = layer();
    String diffId = "sha256:" + sha256(layer);
    ObjectMapper json = new ObjectMapper();
    byte[] config = json.writeValueAsBytes(Map.of(
        "architecture", "amd64",
        "os", "linux",
        "config", Map.of("Env", ENV, "Entrypoint", BASE_ENTRYPOINT),
        "rootfs", Map.of("type", "layers", "diff_ids", List.of(diffId))));
    byte[] manifest = json.writeValueAsBytes(List.of(Map.of(
        "Config", "config.json",
        "RepoTags", List.of("stand-in/jre:17"),
        "Layers", List.of("layer.tar"))));
    Files.createDirectories(tar.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(tar);
        TarArchiveOutputStream image = new TarArchiveOutputStream(out)) {
      put(image, "layer.tar", layer);
      put(image, "config.json", config);
      put(image, "manifest.json", manifest);
    }
  }

  /** The one layer: a JRE's release file where Temurin puts it. */
  private static byte[] layer() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream layer = new TarArchiveOutputStream(bytes)) {
      put(layer, RELEASE_FILE, "JAVA_VERSION=\"17\"\n".getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
