package dev.pmc.gateway;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys come only from the operator's secrets directory or mapped variables, by name, never from a path. */
class SecretStoreTest {

    static SecretStore store(Path dir, Map<String, String> env) {
        SecretStore s = new SecretStore();
        s.secretsDir = Optional.ofNullable(dir).map(Path::toString);
        s.secretEnv = env;
        return s;
    }

    @Test
    void namesResolveInsideTheDirectoryOnly() throws Exception {
        Path root = Files.createTempDirectory("pmc-secrets-test");
        Path dir = Files.createDirectories(root.resolve("secrets"));
        Files.writeString(dir.resolve("openai"), "sk-test-openai\n");
        // a Kubernetes secret volume: name -> ..data/name -> ..2026_11_25/name
        Path stamped = Files.createDirectories(dir.resolve("..2026_11_25"));
        Files.writeString(stamped.resolve("anthropic"), "sk-ant-test");
        Files.createSymbolicLink(dir.resolve("..data"), stamped.getFileName());
        Files.createSymbolicLink(dir.resolve("anthropic"), Path.of("..data/anthropic"));
        // links that lead out of the directory
        Files.writeString(root.resolve("outside"), "not-a-key");
        Files.createSymbolicLink(dir.resolve("escape"), root.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("hostname"), Path.of("/etc/hostname"));
        Files.writeString(dir.resolve("big"), "x".repeat(SecretStore.MAX_SECRET_BYTES + 1));
        Files.createDirectories(dir.resolve("adir"));

        SecretStore s = store(dir, Map.of("mapped", "PATH"));
        assertEquals("sk-test-openai", s.lookup("openai").key(), "file contents, stripped");
        assertEquals("sk-ant-test", s.lookup("anthropic").key(), "links within the directory are followed");
        for (String name : new String[]{"escape", "hostname", "adir", "missing"}) {
            SecretStore.Lookup l = s.lookup(name);
            assertNull(l.key(), name);
            assertTrue(l.problem().contains("not defined by the operator"), name + ": " + l.problem());
            assertFalse(l.problem().contains("not-a-key"), "never shows what it read");
        }
        for (String name : new String[]{"../outside", "/etc/hostname", "..", "a/b", "${HOME}"}) {
            assertEquals("secret name is not valid", s.lookup(name).problem(), name);
        }
        assertTrue(s.lookup("big").problem().contains("larger than"));
        assertEquals(System.getenv("PATH"), s.lookup("mapped").key(), "an operator-mapped variable");
        assertTrue(s.lookup("PATH").problem().contains("not defined"), "a variable the operator did not map is not reachable by its own name");
        assertNull(s.lookup(null).problem(), "no apiKey: no key and no problem (local simulator)");
        assertTrue(store(null, Map.of()).lookup("openai").problem().contains("not defined"));
    }

    /** Issue #26: a secret's binding sits beside it (NAME.base-urls) or in configuration; a binding file is not a key. */
    @Test
    void bindingsAreReadBesideTheSecretAndBindingFilesAreNoKeys() throws Exception {
        Path dir = Files.createDirectories(Files.createTempDirectory("pmc-bind-test").resolve("secrets"));
        Files.writeString(dir.resolve("vllm"), "local-key");
        Files.writeString(dir.resolve("vllm.base-urls"), "# my vLLM\nhttp://127.0.0.1:8000/v1\n\n");
        Files.writeString(dir.resolve("openai"), "sk-test-openai");
        SecretStore s = store(dir, Map.of());
        s.secretBaseUrls = Optional.of(Map.of("openai", "https://proxy.example.org/v1"));
        SecretStore.Lookup vllm = s.lookup("vllm");
        assertEquals("local-key", vllm.key());
        assertNull(dev.pmc.core.security.KeyBindings.problem("vllm", "http://127.0.0.1:8000/v1", vllm.baseUrls()));
        String elsewhere = dev.pmc.core.security.KeyBindings.problem("vllm", "https://api.openai.com/v1", vllm.baseUrls());
        assertTrue(elsewhere != null && elsewhere.contains("http://127.0.0.1:8000/v1") && elsewhere.contains("https://api.openai.com/v1"), elsewhere);
        SecretStore.Lookup openai = s.lookup("openai");
        assertNull(dev.pmc.core.security.KeyBindings.problem("openai", "https://api.openai.com/v1", openai.baseUrls()), "built-in host");
        assertNull(dev.pmc.core.security.KeyBindings.problem("openai", "https://proxy.example.org/v1/chat", openai.baseUrls()), "configured binding");
        assertTrue(dev.pmc.core.security.KeyBindings.problem("openai", "http://127.0.0.1:8090/v1", openai.baseUrls()) != null);
        Files.writeString(dir.resolve("unbound"), "k");
        assertTrue(dev.pmc.core.security.KeyBindings.problem("unbound", "http://127.0.0.1:8000/v1", s.lookup("unbound").baseUrls()).contains("bound to no base URL"));
        assertNull(s.lookup("vllm.base-urls").key(), "a binding file is not a key");
        assertTrue(s.lookup("vllm.base-urls").problem().contains("binding file"));
    }
}
