package run.tokenlabs.chaos.lab.prometheus;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code file_sd_configs} target file: written whole to a temp name, then renamed over the old one,
 * so Prometheus never reads half a file (it watches the file and picks the change up at once).
 */
public final class FileSd {
  /** One target group: a {@code host:port} and its labels. */
  public record Target(URI address, Map<String, String> labels) {}

  private final Path file;
  private final ObjectMapper json = new ObjectMapper();

  public FileSd(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public synchronized void write(List<Target> targets) {
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Target t : targets) {
      groups.add(Map.of("targets", List.of(t.address().getHost() + ":" + t.address().getPort()),
          "labels", t.labels()));
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(groups));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write file_sd targets to " + file, e);
    }
  }
}
