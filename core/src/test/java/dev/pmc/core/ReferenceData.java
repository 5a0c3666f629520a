package dev.pmc.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates ../shared/reference-data (the authors' published files) from the build. */
public final class ReferenceData {
    private ReferenceData() {
    }

    public static Path dir() {
        String prop = System.getProperty("pmc.reference.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) return Paths.get(prop).toAbsolutePath().normalize();
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("../shared/reference-data").normalize();
            if (Files.isDirectory(c)) return c;
            p = p.getParent();
        }
        throw new IllegalStateException("shared/reference-data not found (set -Dpmc.reference.dir)");
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }
}
