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
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.spi.TargetProvider;
import run.tokenlabs.chaos.engine.RollbackLedger.RollbackFailure;
import run.tokenlabs.chaos.engine.config.ConfigLoader;
import run.tokenlabs.chaos.engine.kubernetes.GuardedTarget;

/**
 * One game-day run: configuration, target, journal and rollback ledger, shared by every experiment
 * of a JUnit launch (kept in the root store and closed when the launch ends).
 *
 * <p>Start-up order matters: configuration and safety first, then the target, then the
 * rollbacks a crashed earlier run left pending, and only then experiments.
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
  private final Thread shutdownHook;
  private final Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);

  private ChaosRun(String runId, ChaosConfig config, Target target, Journal journal, PendingRollbackFile pendingFile) {
    this.runId = runId;
    this.config = config;
    this.target = target;
    this.journal = journal;
    this.pendingFile = pendingFile;
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
    Journal journal = Journal.open(config.journalDir(), runId, Clock.systemUTC());
    Target target;
    try {
      // every target, the lab's included, behind the engine's blast radius (namespaces, labels, pod budget)
      target = GuardedTarget.of(provider.open(config), config);
    } catch (Exception e) {
      journal.close();
      throw new ChaosConfigException("Cannot open target '" + config.target() + "': " + e.getMessage(), e);
    }
    ChaosRun run = new ChaosRun(runId, config, target, journal, PendingRollbackFile.create(config.journalDir(), runId));
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

  /** Completes what a run killed earlier (SIGKILL, power loss) left pending, before any experiment. */
  private void completeLeftoverRollbacks() {
    for (PendingRollbackFile.Leftover leftover : PendingRollbackFile.leftovers(config.journalDir(), runId)) {
      if (!leftover.target().equals(target.name())) {
        LOG.warning("Pending rollback '" + leftover.rollback().description() + "' of run " + leftover.runId()
            + " belongs to target '" + leftover.target() + "', not '" + target.name() + "'; it stays in "
            + leftover.file() + " until a run against that target completes it");
        continue;
      }
      try {
        ledger.execute(leftover.rollback(), "recovery of run " + leftover.runId(), RollbackSource.RECOVERED_FROM_CRASH,
            config.recoveryTimeout());
        PendingRollbackFile.markDone(leftover);
      } catch (Exception e) {
        throw new IllegalStateException("Run " + leftover.runId() + " was killed with a pending rollback ('"
            + leftover.rollback().description() + "'), and completing it failed: " + e + ". Nothing was injected. "
            + "Restore it by hand, then delete " + leftover.file(), e);
      }
    }
    PendingRollbackFile.deleteCompleted(config.journalDir(), runId);
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
      probeReader.close();
      journal.close();
      target.close();
    }
  }

  Path journalFile() {
    return journal.file();
  }
}
