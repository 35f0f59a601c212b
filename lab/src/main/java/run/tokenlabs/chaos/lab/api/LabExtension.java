package run.tokenlabs.chaos.lab.api;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives tests a {@link Lab}: one per profile and rules directory, kept in the root context's store
 * so every test class of the run shares it, and closed (being {@link AutoCloseable}) when the run
 * ends. Configure it with {@link LabTest}.
 */
public final class LabExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LabExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return lab(context);
  }

  /** The shared lab for the {@link LabTest} settings of this context's test class. */
  public static Lab lab(ExtensionContext context) {
    LabTest settings = context.getTestClass()
        .flatMap(c -> AnnotationSupport.findAnnotation(c, LabTest.class))
        .orElseThrow(() -> new ExtensionConfigurationException("LabExtension needs @LabTest on the test class "
            + context.getTestClass().map(Class::getName).orElse("?") + " to know which lab to start"));
    String key = settings.profile() + "|" + settings.rules();
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(key, k -> start(settings), Lab.class);
  }

  private static Lab start(LabTest settings) {
    LabProfile profile;
    try {
      profile = LabProfile.named(settings.profile());
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("@LabTest(profile = \"" + settings.profile() + "\"): "
          + e.getMessage());
    }
    LabOptions options = LabOptions.of(profile);
    if (!settings.rules().isEmpty()) {
      Path rules = Path.of(settings.rules());
      if (!Files.isDirectory(rules)) {
        throw new ExtensionConfigurationException("@LabTest(rules = \"" + settings.rules() + "\") is not a "
            + "directory (resolved to " + rules.toAbsolutePath() + "); give a directory of PrometheusRule manifests");
      }
      options = options.rulesDirectory(rules);
    }
    return options.start();
  }
}
