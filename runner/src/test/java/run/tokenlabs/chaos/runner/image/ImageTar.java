package run.tokenlabs.chaos.runner.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image saved as `docker save` (and Jib's {@code buildTar}) write it, read back: its manifest, its config and
 * each layer's files, in layer order. Layers may be gzipped or plain; their diff ids are checked against the
 * config, so a tar whose layers do not match what its config says fails to read.
 */
record ImageTar(JsonNode manifest, JsonNode config, List<Layer> layers) {

  /**
   * One layer: its diff id, the files it holds by path without a leading slash (with mode and size), the content
   * of its small files, and the uncompressed layer itself.
   */
  record Layer(String diffId, Map<String, TarArchiveEntry> files, Map<String, byte[]> smallFiles, byte[] tar) {}

  static ImageTar read(Path tar) throws IOException {
    Map<String, byte[]> members = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
      for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
        if (entry.isFile()) {
          members.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(require(members, "manifest.json", tar)).get(0);
    JsonNode config = json.readTree(require(members, manifest.get("Config").asText(), tar));
    JsonNode diffIds = config.path("rootfs").path("diff_ids");
    JsonNode layerNames = manifest.get("Layers");
    if (diffIds.size() != layerNames.size()) {
      throw new IOException(tar + ": the manifest lists " + layerNames.size() + " layers, the config "
          + diffIds.size() + " diff ids");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layerNames.size(); i++) {
      byte[] packed = require(members, layerNames.get(i).asText(), tar);
      byte[] plain = isGzip(packed) ? new GZIPInputStream(new ByteArrayInputStream(packed)).readAllBytes() : packed;
      String diffId = "sha256:" + StandInBaseImage.sha256(plain);
      if (!diffId.equals(diffIds.get(i).asText())) {
        throw new IOException(tar + ": layer " + i + " has diff id " + diffId + ", the config says " + diffIds.get(i));
      }
      layers.add(files(diffId, plain));
    }
    return new ImageTar(manifest, config, layers);
  }

  /** Every file of the image by path, the upper layer winning, as a container would see it. */
  Map<String, TarArchiveEntry> filesystem() {
    Map<String, TarArchiveEntry> all = new LinkedHashMap<>();
    layers.forEach(layer -> all.putAll(layer.files()));
    return all;
  }

  /** The index of the first layer holding {@code path}, or -1. */
  int layerOf(String path) {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).files().containsKey(path)) {
        return i;
      }
    }
    return -1;
  }

  byte[] content(String path) {
    for (int i = layers.size() - 1; i >= 0; i--) {
      byte[] bytes = layers.get(i).smallFiles().get(path);
      if (bytes != null) {
        return bytes;
      }
    }
    throw new IllegalArgumentException("no small file " + path + " in the image");
  }

  /**
   * Unpacks every layer in order under {@code root}, as a container runtime lays out the image's filesystem
   * (regular files and directories with their modes; the runner image has no links or whiteouts).
   */
  void unpack(Path root) throws IOException {
    for (Layer layer : layers) {
      try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(layer.tar()))) {
        for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
          Path target = root.resolve(entry.getName().replaceFirst("^/", "")).normalize();
          if (!target.startsWith(root)) {
            throw new IOException("layer " + layer.diffId() + " writes outside the image: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else if (entry.isFile()) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(permissions(entry.getMode())));
          } else {
            throw new IOException("layer " + layer.diffId() + " holds " + entry.getName()
                + ", neither a file nor a directory; unpack() lays out files and directories only");
          }
        }
      }
    }
  }

  private static String permissions(int mode) {
    String letters = "rwxrwxrwx";
    StringBuilder text = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return text.toString();
  }

  private static Layer files(String diffId, byte[] layer) throws IOException {
    Map<String, TarArchiveEntry> files = new LinkedHashMap<>();
    Map<String, byte[]> small = new HashMap<>();
    try (InputStream bytes = new ByteArrayInputStream(layer);
        TarArchiveInputStream in = new TarArchiveInputStream(bytes)) {
      for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
        String path = entry.getName().replaceFirst("^/", "").replaceFirst("/$", "");
        files.put(path, entry);
        if (entry.isFile() && entry.getSize() <= 64 * 1024) {
          small.put(path, in.readAllBytes());
        }
      }
    }
    return new Layer(diffId, files, small, layer);
  }

  private static boolean isGzip(byte[] bytes) {
    return bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
  }

  private static byte[] require(Map<String, byte[]> members, String name, Path tar) throws IOException {
    byte[] bytes = members.get(name);
    if (bytes == null) {
      throw new IOException(tar + " holds no " + name + "; members: " + members.keySet());
    }
    return bytes;
  }
}
