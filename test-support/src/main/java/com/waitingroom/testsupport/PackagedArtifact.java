package com.waitingroom.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a module's last Quarkus build produced: the JVM app ({@code target/quarkus-app/quarkus-run.jar})
 * or, after {@code mvn -Pnative}, the native executable. Read from {@code target/quarkus-artifact.properties},
 * the file {@code @QuarkusIntegrationTest} itself reads, so a test that starts its own process runs the same
 * artifact as the module's other integration tests.
 */
public record PackagedArtifact(Kind kind, Path path) {

    public enum Kind { JAR, NATIVE }

    /** The artifact the module in {@code moduleDir} was last packaged as. */
    public static PackagedArtifact lastBuilt(Path moduleDir) {
        Path target = moduleDir.resolve("target");
        Path properties = target.resolve("quarkus-artifact.properties");
        if (!Files.exists(properties)) {
            throw new AssertionError(properties + " is missing: package "
                    + moduleDir.toAbsolutePath().normalize().getFileName() + " first (mvn verify does)");
        }
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(properties)) {
            values.load(reader);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + properties, e);
        }
        String type = values.getProperty("type", "");
        Path path = target.resolve(values.getProperty("path", ""));
        Kind kind = switch (type) {
            case "native" -> Kind.NATIVE;
            case "jar" -> Kind.JAR;
            default -> throw new AssertionError(properties + ": unsupported artifact type '" + type + "'");
        };
        return existing(kind, path);
    }

    /** The module's JVM app, whatever was built last. */
    public static PackagedArtifact jar(Path moduleDir) {
        return existing(Kind.JAR, moduleDir.resolve("target/quarkus-app/quarkus-run.jar"));
    }

    /**
     * The command that starts it. {@code runtimeOptions} such as {@code -Xmx256m} and {@code -Dkey=value}
     * mean the same to both: a native executable takes them as its own arguments.
     */
    public List<String> command(List<String> runtimeOptions) {
        List<String> command = new ArrayList<>();
        if (kind == Kind.NATIVE) {
            command.add(path.toAbsolutePath().toString());
            command.addAll(runtimeOptions);
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(runtimeOptions);
            command.add("-jar");
            command.add(path.toAbsolutePath().toString());
        }
        return command;
    }

    private static PackagedArtifact existing(Kind kind, Path path) {
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(path + " is missing: package the module first (mvn verify"
                    + (kind == Kind.NATIVE ? " -Pnative" : "") + ")");
        }
        return new PackagedArtifact(kind, path);
    }
}
