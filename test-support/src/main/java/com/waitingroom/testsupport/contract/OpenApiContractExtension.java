package com.waitingroom.testsupport.contract;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs {@link OpenApiContract} for every test of a module: name this class in the module's
 * {@code src/test/resources/META-INF/services/org.junit.jupiter.api.extension.Extension}. quarkus-junit's
 * own {@code junit-platform.properties} turns JUnit's extension auto-detection on; a module must not add
 * a {@code junit-platform.properties} of its own (it would hide Quarkus' one and its profile-aware
 * test-class order).
 *
 * <p>A {@code @QuarkusTest} runs in the application's class loader, which has its own REST Assured: the
 * filter is installed through the test class's loader so it lands where the test's requests go.
 */
public class OpenApiContractExtension implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        ClassLoader loader = context.getRequiredTestClass().getClassLoader();
        Class<?> contract = Class.forName(OpenApiContract.class.getName(), true, loader);
        contract.getMethod("installForServiceUnderTest").invoke(null);
    }
}
