package run.tokenlabs.chaos.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner may read, and directory entries that survive a power loss: what the
 * pending-rollback files and the journal key are created with.
 */
final class PendingFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PendingFiles() {
  }

  /** Creates {@code file} (which must not exist) with mode 0600. */
  static Path createPrivateFile(Path file) throws IOException {
    return POSIX ? Files.createFile(file, attribute("rw-------")) : Files.createFile(file);
  }

  /** Creates {@code dir} and its missing parents, the new ones with mode 0700. */
  static Path createPrivateDirectories(Path dir) throws IOException {
    return POSIX ? Files.createDirectories(dir, attribute("rwx------")) : Files.createDirectories(dir);
  }

  /**
   * Forces a directory's entries to disk, so that a file created in it is still there after a power
   * loss, not only its content. A file system that cannot sync a directory is left as it is.
   */
  static void syncDirectory(Path dir) throws IOException {
    if (!POSIX) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static FileAttribute<?> attribute(String permissions) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
  }
}
