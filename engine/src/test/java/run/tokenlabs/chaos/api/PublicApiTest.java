package run.tokenlabs.chaos.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.commons.support.ReflectionSupport;

/** Every public type of the API and SPI packages tells its users how stable it is, as JUnit's own do. */
class PublicApiTest {

  @ParameterizedTest
  @ValueSource(strings = {"run.tokenlabs.chaos.api", "run.tokenlabs.chaos.api.spi", "run.tokenlabs.chaos.api.event",
      "run.tokenlabs.chaos.faults"})
  void everyPublicTypeIsMarkedWithItsStatus(String pkg) {
    List<Class<?>> types = ReflectionSupport.findAllClassesInPackage(pkg, t -> t.getPackageName().equals(pkg), n -> true)
        .stream().flatMap(t -> Stream.concat(Stream.of(t), Stream.of(t.getDeclaredClasses()))).distinct()
        .filter(t -> Modifier.isPublic(t.getModifiers())).toList();

    assertThat(types).as("public types in " + pkg).isNotEmpty();
    assertThat(types).as("public types of %s without @API(status = ...); annotate them", pkg)
        .filteredOn(t -> !t.isAnnotationPresent(API.class)).isEmpty();
  }
}
