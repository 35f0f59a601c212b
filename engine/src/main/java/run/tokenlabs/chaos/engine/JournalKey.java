package run.tokenlabs.chaos.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * The secret that authenticates the pending-rollback records: an HMAC-SHA256 key read from a file
 * outside the journal directory ({@code journal.keyFile}; by default
 * {@code $XDG_STATE_HOME/tokenlabs-chaos/journal.key}, else {@code ~/.local/state/...}), created with
 * mode 0600 on first use. Whoever can write the journal directory but cannot read this file cannot
 * make a record the engine will replay (docs/threat-model.md).
 *
 * <p>The file holds at least 32 bytes (e.g. {@code openssl rand -hex 32}, or a Secret mounted on a
 * cluster); trailing white space is ignored. A key file that others may write is refused: whoever
 * can replace the key can forge records.
 */
final class JournalKey {
  static final String FILE_NAME = "journal.key";
  private static final Logger LOG = Logger.getLogger(JournalKey.class.getName());
  private static final int MIN_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final Path file;
  private final SecretKeySpec key;

  private JournalKey(Path file, byte[] key) {
    this.file = file;
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /** A key for tests and tools that hold the bytes already. */
  static JournalKey of(byte[] key) {
    return new JournalKey(Path.of("(in memory)"), key.clone());
  }

  /**
   * Reads the key, creating it first when the file does not exist.
   *
   * @param configured {@code journal.keyFile}, or empty for the default
   * @throws ChaosConfigException when the file is inside the journal directory, too short, writable
   *     by others, or cannot be read or created
   */
  static JournalKey load(Optional<Path> configured, Path journalDir) {
    Path file = configured.orElseGet(JournalKey::defaultFile).toAbsolutePath().normalize();
    refuseInside(file, journalDir);
    if (!Files.exists(file)) {
      create(file);
    }
    refuseWritableByOthers(file);
    byte[] bytes;
    try {
      bytes = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ChaosConfigException("journal.keyFile: cannot read '" + file + "' (" + e + "); the pending-rollback "
          + "records cannot be authenticated without it, so nothing is injected. Make it readable by this user");
    }
    if (bytes.length < MIN_BYTES) {
      throw new ChaosConfigException("journal.keyFile: '" + file + "' holds " + bytes.length + " bytes, fewer than "
          + MIN_BYTES + "; put a longer random key there (openssl rand -hex 32 > " + file + ")");
    }
    return new JournalKey(file, bytes);
  }

  /** {@code $XDG_STATE_HOME/tokenlabs-chaos/journal.key}, or under {@code ~/.local/state} without it. */
  static Path defaultFile() {
    String state = System.getenv("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Path.of(state)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("tokenlabs-chaos").resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  /** The HMAC-SHA256 of {@code text}, hex. */
  String mac(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Whether {@code mac} is the MAC of {@code text}, compared in constant time. */
  boolean verifies(String text, String mac) {
    return MessageDigest.isEqual(mac(text).getBytes(StandardCharsets.US_ASCII),
        mac.getBytes(StandardCharsets.US_ASCII));
  }

  private static void refuseInside(Path file, Path journalDir) {
    Path dir = journalDir.toAbsolutePath().normalize();
    Path realDir = real(dir);
    Path realFile = real(file);
    if (file.startsWith(dir) || realFile.startsWith(realDir)) {
      throw new ChaosConfigException("journal.keyFile: '" + file + "' is inside journal.dir '" + dir + "'; whoever "
          + "can write the journal directory could then read the key and forge a pending rollback. Keep the key "
          + "elsewhere (on a cluster: a Secret mounted outside the journal's volume)");
    }
  }

  /** The path with every existing ancestor's links resolved, so a link cannot hide the key inside the journal. */
  private static Path real(Path path) {
    Path existing = path;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return path;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(path));
    } catch (IOException e) {
      return path;
    }
  }

  private static void refuseWritableByOthers(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = view.readAttributes().permissions();
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new ChaosConfigException("journal.keyFile: '" + file + "' is writable by others ("
            + PosixFilePermissions.toString(permissions) + "); whoever can replace the key can forge a pending "
            + "rollback. Run 'chmod 600 " + file + "'");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the permissions of journal.keyFile '" + file + "'", e);
    }
  }

  /**
   * Writes a new random key beside the file and links it into place, so that two runs starting at
   * once end up with the same complete key, never half of one.
   */
  private static void create(Path file) {
    Path dir = file.getParent();
    Path temp = null;
    try {
      if (!Files.isDirectory(dir)) {
        PendingFiles.createPrivateDirectories(dir);
      }
      temp = PendingFiles.createPrivateFile(dir.resolve("." + FILE_NAME + "." + ProcessHandle.current().pid()
          + ".tmp"));
      byte[] random = new byte[MIN_BYTES];
      new SecureRandom().nextBytes(random);
      Files.writeString(temp, HexFormat.of().formatHex(random) + "\n");
      try {
        Files.createLink(file, temp);
        LOG.info("Created the key that authenticates pending rollbacks: " + file + " (mode 0600)");
      } catch (FileAlreadyExistsException anotherRunWasFirst) {
        // that run's key is complete and is the one both use
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new ChaosConfigException("journal.keyFile: cannot create '" + file + "' (" + e + "); set journal.keyFile "
          + "to a file this user can create, or put a key there yourself (openssl rand -hex 32 > " + file
          + "; chmod 600 " + file + ")");
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a stray temp file holds an unused key
        }
      }
    }
  }

  @Override
  public String toString() {
    return "JournalKey[" + file + "]";
  }
}
