package dev.pmc.gateway;

import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.security.KeyBindings;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Provider keys by name, from what the operator defines, never from what a target says: a target's {@code apiKey} is
 * a name, looked up as a file of that name in {@code pmc.gateway.secrets-dir} (a mounted secret directory; the file
 * must be a regular file inside it, at most 4 KiB) or as the environment variable the operator mapped the name to
 * ({@code pmc.gateway.secret-env.NAME=VARIABLE}). A name that is neither is an error naming the name, never a key.
 */
@ApplicationScoped
public class SecretStore {
    static final int MAX_SECRET_BYTES = 4096;

    /** A key, or why there is none; {@code baseUrls} the operator's binding for it (issue #26; empty: none). */
    public record Lookup(String key, String problem, java.util.List<String> baseUrls) {
        public Lookup(String key, String problem) {
            this(key, problem, java.util.List.of());
        }
    }

    @ConfigProperty(name = "pmc.security.secret-base-urls")
    Optional<Map<String, String>> secretBaseUrls = Optional.empty();

    /**
     * The operator's binding of a secret: {@code NAME.base-urls} beside the secret file (one prefix per line, '#'
     * comments, at most 4 KiB) and {@code pmc.security.secret-base-urls.NAME} (comma-separated).
     */
    java.util.List<String> binding(String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        secretBaseUrls.map(m -> m.get(name)).ifPresent(v -> out.addAll(java.util.List.of(v.split(","))));
        if (secretsDir.isPresent() && !secretsDir.get().isBlank()) {
            Path file = inside(Path.of(secretsDir.get()), name + KeyBindings.FILE_SUFFIX);
            if (file != null) {
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] b = in.readNBytes(MAX_SECRET_BYTES + 1);
                    if (b.length <= MAX_SECRET_BYTES) out.addAll(new String(b, StandardCharsets.UTF_8).lines().toList());
                } catch (IOException e) {
                    // unreadable: no binding from it
                }
            }
        }
        return out;
    }

    Optional<String> secretsDir = Optional.empty();
    /** secret name → environment variable. */
    Map<String, String> secretEnv = Map.of();

    @jakarta.inject.Inject
    void configure(GatewayConfig config) {
        secretsDir = config.secretsDir();
        secretEnv = config.secretEnv();
    }

    /**
     * The regular file {@code name} in {@code dir}, following links only within it (a Kubernetes secret volume
     * holds links into its own ..data directory); null when there is none or it leads outside.
     */
    static Path inside(Path dir, String name) {
        try {
            Path realDir = dir.toRealPath();
            Path file = realDir.resolve(name).normalize();
            if (!file.startsWith(realDir) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return null;
            Path real = file.toRealPath();
            return real.startsWith(realDir) && Files.isRegularFile(real) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    public Lookup lookup(String name) {
        if (name == null) return new Lookup(null, null);
        if (!TargetConfig.SECRET.matcher(name).matches()) return new Lookup(null, "secret name is not valid");
        if (name.endsWith(KeyBindings.FILE_SUFFIX)) return new Lookup(null, "apiKey '" + name + "' names a binding file, not a key");
        if (secretsDir.isPresent() && !secretsDir.get().isBlank()) {
            Path file = inside(Path.of(secretsDir.get()), name);
            if (file != null) {
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] b = in.readNBytes(MAX_SECRET_BYTES + 1);
                    if (b.length > MAX_SECRET_BYTES) return new Lookup(null, "secret '" + name + "' is larger than " + MAX_SECRET_BYTES + " bytes");
                    String key = new String(b, StandardCharsets.UTF_8).strip();
                    return key.isEmpty() ? new Lookup(null, "secret '" + name + "' is empty") : new Lookup(key, null, binding(name));
                } catch (IOException e) {
                    return new Lookup(null, "secret '" + name + "' cannot be read");
                }
            }
        }
        String variable = secretEnv.get(name);
        if (variable != null) {
            String key = System.getenv(variable);
            return key == null || key.isBlank() ? new Lookup(null, "secret '" + name + "' maps to an unset variable") : new Lookup(key.strip(), null, binding(name));
        }
        return new Lookup(null, "secret '" + name + "' is not defined by the operator (pmc.gateway.secrets-dir or pmc.gateway.secret-env." + name + ")");
    }
}
