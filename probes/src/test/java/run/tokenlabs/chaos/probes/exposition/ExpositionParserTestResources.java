package run.tokenlabs.chaos.probes.exposition;

/** Test fixtures of real-looking exporter output, for tests in other packages. */
public final class ExpositionParserTestResources {
  private ExpositionParserTestResources() {
  }

  public static String read(String name) {
    return ExpositionParserTest.resource(name);
  }
}
