package com.waitingroom.testsupport.contract;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Installs {@link OpenApiContract} for every test of a module: register it once per module through
 * JUnit's extension auto-detection ({@code src/test/resources/junit-platform.properties}:
 * {@code junit.jupiter.extensions.autodetection.enabled=true}, and this class named in
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}).
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
