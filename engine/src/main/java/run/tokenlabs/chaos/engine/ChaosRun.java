package run.tokenlabs.chaos.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.RollbackLeftPending;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.api.spi.TargetProvider;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.kubernetes.GuardedTarget;

/**
 * One game-day run: configuration, target, journal and rollback ledger, shared by every experiment
 * of a JUnit launch (kept in the root store and closed when the launch ends).
 *
 * <p>Start-up order matters: configuration and safety first, then the journal directory's lock
 * (held until the run closes, so no second run completes this one's rollbacks), the key of the
 * pending-rollback records, the target, then the rollbacks a crashed earlier run left pending, and
 * only then experiments.
 */
final class ChaosRun implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ChaosRun.class.getName());
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChaosRun.class);
  private static final Duration SHUTDOWN_ROLLBACK_TIMEOUT = Duration.ofSeconds(30);

  final String runId;
  final ChaosConfig config;
  final Target target;
  final Journal journal;
  final RollbackLedger ledger;
  final ProbeReader probeReader;
  private final PendingRollbackFile pendingFile;
  private final JournalKey key;
  private final JournalDirLock lock;
  private final Thread shutdownHook;
  private final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);

  private ChaosRun(String runId, ChaosConfig config, Target target, Journal journal, JournalKey key,
                   JournalDirLock lock) {
    this.runId = runId;
    this.config = config;
    this.target = target;
    this.journal = journal;
    this.key = key;
    this.lock = lock;
    this.pendingFile = PendingRollbackFile.create(config.journalDir(), runId, key);
    this.ledger = new RollbackLedger(pendingFile, journal, target);
    this.probeReader = new ProbeReader(config.probeTimeout());
    this.shutdownHook = new Thread(this::rollBackOnShutdown, "chaos-rollback-on-shutdown");
  }

  /** The run of this JUnit launch, started on first use. */
  static ChaosRun of(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(ChaosRun.class, k -> start(context), ChaosRun.class);
  }

  private static ChaosRun start(ExtensionContext context) {
    ChaosConfig config = ConfigLoader.load(context::getConfigurationParameter);
    TargetProvider provider = provider(config.target());
    SafetyPolicy.requireArmedFor(config.target(), provider.isEmbedded(), config);
    String runId = newRunId();
    JournalDirLock lock = JournalDirLock.acquire(config.journalDir(), runId);
    ChaosRun run;
    try {
      run = open(config, provider, runId, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(run.shutdownHook);
    try {
      run.journalStart();
      run.completeLeftoverRollbacks();
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
    return run;
  }

  /** Everything of a run but its start: key, journal, target and this run's pending file, under the held lock. */
  private static ChaosRun open(ChaosConfig config, TargetProvider provider, String runId, JournalDirLock lock) {
    JournalKey key = JournalKey.load(config.journalKeyFile(), config.journalDir());
    Journal journal = Journal.open(config.journalDir(), runId, Clock.systemUTC());
    Target target;
    try {
      // every target, the lab's included, behind the engine's blast radius (namespaces, labels, pod budget)
      target = GuardedTarget.of(provider.open(config), config);
    } catch (Exception e) {
      journal.close();
      throw new ChaosConfigException("Cannot open target '" + config.target() + "': " + e.getMessage(), e);
    }
    try {
      return new ChaosRun(runId, config, target, journal, key, lock);
    } catch (RuntimeException e) {
      journal.close();
      target.close();
      throw e;
    }
  }

  private static TargetProvider provider(String kind) {
    List<TargetProvider> providers = ServiceLoader.load(TargetProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    return providers.stream().filter(p -> p.kind().equals(kind)).findFirst()
        .orElseThrow(() -> new ChaosConfigException("target: no provider for '" + kind + "'; available: "
            + providers.stream().map(TargetProvider::kind).sorted().collect(Collectors.joining(", "))
            + " (the lab target comes with the tokenlabs-chaos-scenarios module)"));
  }

  private static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Clock.systemUTC().instant())
        + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  private void journalStart() {
    journal.record((at, id) -> new RunStarted(at, id, null, target.name(), config.mavenProfile(), config.dryRun(),
        config.allowedNamespaces(), journal.file().toAbsolutePath().toString(),
        pendingFile.path().toAbsolutePath().toString()));
  }

  /**
   * Completes what a run killed earlier (SIGKILL, power loss) left pending, before any experiment.
   * Each rollback passes the checks a fresh fault passes (same target, namespaces allowed and
   * labelled, never {@code kube-system}) before its undo runs; a dry run lists them and completes none.
   */
  private void completeLeftoverRollbacks() {
    for (PendingRollbackFile.Leftover leftover : PendingRollbackFile.leftovers(config.journalDir(), runId, key)) {
      Rollback rollback = leftover.rollback();
      String recovery = "recovery of run " + leftover.runId();
      if (!leftover.target().equals(target.name())) {
        leftPending(leftover, "it belongs to target '" + leftover.target() + "', not '" + target.name()
            + "'; it stays until a run against that target completes it");
        continue;
      }
      checkReplay(leftover);
      if (config.dryRun()) {
        leftPending(leftover, "dry run: would complete it (" + rollback.description() + "); nothing was done");
        continue;
      }
      try {
        ledger.execute(rollback, recovery, RollbackSource.RECOVERED_FROM_CRASH, config.recoveryTimeout());
        PendingRollbackFile.markDone(leftover, key);
      } catch (Exception e) {
        throw new IllegalStateException("Run " + leftover.runId() + " was killed with a pending rollback ('"
            + rollback.description() + "'), and completing it failed: " + e + ". Nothing was injected. "
            + "Restore it by hand, then delete " + leftover.file(), e);
      }
    }
    if (!config.dryRun()) {
      PendingRollbackFile.deleteCompleted(config.journalDir(), runId, key);
    }
  }

  /** The safety policy of a fresh fault, applied to a rollback before it is replayed. */
  private void checkReplay(PendingRollbackFile.Leftover leftover) {
    Set<String> namespaces = new TreeSet<>(leftover.namespaces());
    namespaces.addAll(leftover.rollback().namespaces());
    try {
      SafetyPolicy.checkNamespaces(namespaces, config, target.kubernetes(),
          "pending rollback '" + leftover.rollback().description() + "'");
    } catch (ChaosConfigException e) {
      throw new ChaosConfigException("Pending rollback at " + leftover.where() + " (run " + leftover.runId()
          + ") was not replayed: " + e.getMessage() + ". Nothing was replayed or injected; undo it by hand if its "
          + "fault is still active, then delete " + leftover.file(), e);
    }
  }

  private void leftPending(PendingRollbackFile.Leftover leftover, String reason) {
    Rollback rollback = leftover.rollback();
    LOG.warning((config.dryRun() ? "[chaos dry-run] " : "") + "Pending rollback '" + rollback.description()
        + "' of run " + leftover.runId() + " at " + leftover.where() + " not completed: " + reason);
    journal.record((at, id) -> new RollbackLeftPending(at, id, "recovery of run " + leftover.runId(),
        rollback.description(), rollback.kind(), leftover.where(), reason));
  }

  void countVerdict(Verdict verdict) {
    synchronized (verdicts) {
      verdicts.merge(verdict, 1, Integer::sum);
    }
  }

  private void rollBackOnShutdown() {
    rollBackOutstanding(RollbackSource.SHUTDOWN_HOOK);
  }

  private void rollBackOutstanding(RollbackSource source) {
    List<RollbackFailure> failures = ledger.runAll(ledger.outstanding(), source, SHUTDOWN_ROLLBACK_TIMEOUT);
    failures.forEach(f -> LOG.severe(f.describe() + "; it stays in " + pendingFile.path() + " for the next run"));
  }

  @Override
  public void close() {
    try {
      rollBackOutstanding(RollbackSource.END_OF_RUN);
      Map<Verdict, Integer> counted;
      synchronized (verdicts) {
        counted = new EnumMap<>(Verdict.class);
        counted.putAll(verdicts);
      }
      int experiments = counted.values().stream().mapToInt(Integer::intValue).sum();
      journal.record((at, id) -> new RunFinished(at, id, null, experiments, counted));
      if (ledger.outstanding().isEmpty()) {
        pendingFile.closeAndDelete();
      } else {
        pendingFile.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run: nothing to remove
      }
    } finally {
      try {
        probeReader.close();
        journal.close();
        target.close();
      } finally {
        lock.close();
      }
    }
  }

  Path journalFile() {
    return journal.file();
  }
}
