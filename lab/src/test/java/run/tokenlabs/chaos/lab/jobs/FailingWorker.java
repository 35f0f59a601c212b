package run.tokenlabs.chaos.lab.jobs;

/** A Job worker for the lab's tests that says why on stderr and exits 3. */
public final class FailingWorker {
  private FailingWorker() {}

  public static void main(String[] args) {
    System.err.println("worker " + System.getenv("JOB_COMPLETION_INDEX") + " fails on purpose");
    System.exit(3);
  }
}
