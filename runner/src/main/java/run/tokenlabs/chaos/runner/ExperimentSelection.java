package run.tokenlabs.chaos.runner;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import run.tokenlabs.chaos.api.ChaosExperiment;

/**
 * Which experiments a run discovers: the game day's experiment classes (the package {@code mvn -Pchaos verify}
 * runs, {@value #PACKAGE}), narrowed by experiment id and JUnit tags.
 */
final class ExperimentSelection {
  /** The game day's experiments, the same classes the chaos profile runs. */
  static final String PACKAGE = "run.tokenlabs.chaos.scenarios.experiments";

  private ExperimentSelection() {
  }

  static LauncherDiscoveryRequest request(RunnerOptions options, Map<String, String> parameters) {
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectPackage(PACKAGE))
        .filters(ClassNameFilter.includeClassNamePatterns(".*IT"))
        .configurationParameters(parameters);
    if (!options.tags().isEmpty()) {
      request.filters(TagFilter.includeTags(options.tags()));
    }
    if (!options.excludedTags().isEmpty()) {
      request.filters(TagFilter.excludeTags(options.excludedTags()));
    }
    if (!options.experimentIds().isEmpty()) {
      request.filters(byId(options.experimentIds()));
    }
    return request.build();
  }

  /** Keeps the tests whose experiment (on the method, else its class) has one of {@code ids}. */
  static PostDiscoveryFilter byId(List<String> ids) {
    return descriptor -> {
      if (!descriptor.isTest()) {
        return FilterResult.included("a container: kept while one of its tests is");
      }
      Optional<String> id = experimentId(descriptor);
      return id.filter(ids::contains).isPresent()
          ? FilterResult.included("experiment " + id.get())
          : FilterResult.excluded("experiment " + id.orElse("(none)") + " is not among " + ids);
    };
  }

  static Optional<String> experimentId(TestDescriptor descriptor) {
    Optional<TestSource> source = descriptor.getSource();
    if (source.isPresent() && source.get() instanceof MethodSource method) {
      return id(method.getJavaMethod()).or(() -> id(method.getJavaClass()));
    }
    if (source.isPresent() && source.get() instanceof ClassSource type) {
      return id(type.getJavaClass());
    }
    return Optional.empty();
  }

  private static Optional<String> id(AnnotatedElement element) {
    return AnnotationSupport.findAnnotation(element, ChaosExperiment.class).map(ChaosExperiment::id);
  }
}
