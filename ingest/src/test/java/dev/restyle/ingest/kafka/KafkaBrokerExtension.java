package dev.restyle.ingest.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Kafka broker ({@link KafkaBroker}) as a parameter of a test, a constructor or
 * a {@code @BeforeAll} method: {@code @ExtendWith(KafkaBrokerExtension.class)}. One broker serves
 * the whole test run (started on first use, stopped when the run ends); give each test topics and
 * groups of its own.
 */
public final class KafkaBrokerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KafkaBroker.class,
            k -> {
              try {
                return KafkaBroker.start();
              } catch (Exception e) {
                throw new ParameterResolutionException(
                    "cannot start a Kafka broker: " + e.getMessage(), e);
              }
            },
            KafkaBroker.class);
  }
}
