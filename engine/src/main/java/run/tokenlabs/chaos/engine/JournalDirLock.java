package run.tokenlabs.chaos.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * The exclusive lock one run holds on its journal directory from start to end, so that no second
 * run in the same directory completes the first one's pending rollbacks while its faults are live,
 * or deletes its pending file.
 *
 * <p>An operating-system lock ({@link FileChannel#tryLock()}) on {@code <journal.dir>/run.lock},
 * whose content names the holder (run id, host, pid, start time) for the message a second run
 * fails with. The OS drops the lock when its process dies, so only the lock decides: a lock file
 * left by a dead run never blocks one, and a run that finds a holder's name in a free lock file
 * says it takes over from it. The file is emptied, not deleted, at release: deleting it would let
 * a run lock a new file while another still locks the old one.
 *
 * <p>In one JVM a second lock on the same file throws {@link OverlappingFileLockException}, and
 * closing any channel on the file would drop the JVM's lock, so holders in this JVM are kept in
 * {@link #HELD} and found there before the file is touched.
 */
final class JournalDirLock implements AutoCloseable {
  static final String FILE = "run.lock";
  private static final Logger LOG = Logger.getLogger(JournalDirLock.class.getName());
  private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();
  private static final String HOST = findHostName();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private JournalDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the journal directory's lock for {@code runId}.
   *
   * @throws ChaosConfigException naming the holder when another run holds it
   */
  static JournalDirLock acquire(Path journalDir, String runId) {
    Path file = lockFile(journalDir);
    Holder me = Holder.current(runId);
    Holder inThisJvm = HELD.putIfAbsent(file, me);
    if (inThisJvm != null) {
      throw held(file, inThisJvm);
    }
    try {
      return lock(file, me);
    } catch (RuntimeException e) {
      HELD.remove(file, me);
      throw e;
    }
  }

  private static JournalDirLock lock(Path file, Holder me) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the journal directory's lock file '" + file + "'; set journal.dir "
          + "to a writable directory", e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        Optional<Holder> holder = Holder.parse(read(channel));
        channel.close();
        throw held(file, holder.orElse(null));
      }
      Holder.parse(read(channel)).ifPresent(stale -> LOG.warning("Took over the lock on " + file.getParent()
          + " left by run " + stale.describe() + ", " + stale.liveness()
          + "; its pending rollbacks, if any, are completed now"));
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(me.text().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
      return new JournalDirLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("Cannot lock the journal directory through '" + file + "'", e);
    }
  }

  private static Path lockFile(Path journalDir) {
    try {
      Files.createDirectories(journalDir);
      return journalDir.toRealPath().resolve(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the journal directory '" + journalDir + "'; set journal.dir "
          + "(-Dtokenlabs.chaos.journal.dir) to a writable directory", e);
    }
  }

  private static ChaosConfigException held(Path file, Holder holder) {
    String who = holder == null ? "another run (its lock file names none yet)" : "run " + holder.describe();
    return new ChaosConfigException("The journal directory " + file.getParent() + " is in use by " + who
        + "; two runs in one journal directory would complete each other's rollbacks while their faults are live. "
        + "Wait for it to finish, or give this run another journal.dir. Nothing was injected");
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
  }

  /** Empties the lock file and releases the lock: the directory is free, and no holder is named any more. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      channel.force(true);
      lock.release();
    } catch (IOException e) {
      LOG.warning("Could not empty the lock file " + file + " (" + e + "); the next run will say it takes over");
    } finally {
      closeQuietly(channel);
      HELD.remove(file);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel; nothing more to release
    }
  }

  /** The kernel's host name, without a DNS lookup (which can take seconds where the name does not resolve). */
  private static String findHostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // fall through
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
    }
  }

  /** Who holds the lock, as written in the lock file. */
  record Holder(String runId, String host, long pid, String started) {

    static Holder current(String runId) {
      return new Holder(runId, hostName(), ProcessHandle.current().pid(), Instant.now().toString());
    }

    String text() {
      return "runId=" + runId + "\nhost=" + host + "\npid=" + pid + "\nstarted=" + started + "\n";
    }

    String describe() {
      return runId + " (host " + host + ", pid " + pid + ", started " + started + ")";
    }

    /** Whether the holder's process still lives, as far as this host can tell. */
    String liveness() {
      if (!host.equals(hostName())) {
        return "whose process on another host released it";
      }
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()
          ? "whose pid is now another process's (it released the lock)" : "whose process is gone";
    }

    static Optional<Holder> parse(String text) {
      if (text.isBlank()) {
        return Optional.empty();
      }
      Properties p = new Properties();
      try {
        p.load(new java.io.StringReader(text));
      } catch (IOException e) {
        return Optional.empty();
      }
      long pid;
      try {
        pid = Long.parseLong(p.getProperty("pid", "-1").strip());
      } catch (NumberFormatException e) {
        pid = -1;
      }
      return Optional.of(new Holder(p.getProperty("runId", "?"), p.getProperty("host", "?"), pid,
          p.getProperty("started", "?")));
    }

    private static String hostName() {
      return HOST;
    }
  }
}
