package dev.pmc.stack;

import dev.pmc.core.targets.Intervals;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * The local stack's credentials, kept in {@code .pmc/security/} with owner-only permissions: an RSA key pair (the
 * services verify tokens with the public key), an admin token (roles admin and reader) that bin/pmc uses, and a read
 * token (role reader) for dashboards and the live page. Made once, reused by later stacks; {@code bin/pmc token}
 * mints more; tests start services with the same credentials. Tokens are JWTs (issuer "pmc"), the same kind an OIDC provider issues in a cluster.
 */
public final class LocalSecurity {
    public static final String ISSUER = "pmc";
    /** The audience every PMC token names and every service checks (mp.jwt.verify.audiences). */
    public static final String AUDIENCE = "pmc";
    /** Longest lifetimes (pmc.security.max-token-lifetime.*): a reader token 90 days, an admin token 30. */
    public static final Duration READER_MAX = max("PMC_SECURITY_MAX_TOKEN_LIFETIME_READER", Duration.ofDays(90)),
            ADMIN_MAX = max("PMC_SECURITY_MAX_TOKEN_LIFETIME_ADMIN", Duration.ofDays(30));

    /** A maximum from the environment (the services read the same variables), else the default. */
    private static Duration max(String variable, Duration otherwise) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? otherwise : Intervals.parse(v.strip());
    }
    /** The local tokens are made again when less than this is left of them (bin/pmc up renews them). */
    public static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private final Path dir;

    private LocalSecurity(Path dir) {
        this.dir = dir;
    }

    /** The credentials under {@code dataDir/security}, created when missing. */
    public static LocalSecurity ensure(Path dataDir) throws IOException {
        LocalSecurity s = new LocalSecurity(dataDir.resolve("security"));
        if (!Files.exists(s.publicKey()) || !Files.exists(s.privateKey())) s.generate();
        // made when missing, and again before they expire or when made by an earlier version (no audience, or an
        // admin token living longer than the admin maximum)
        if (stale(s.adminToken(), ADMIN_MAX)) writePrivate(s.adminToken(), s.mint("local-admin", Set.of("admin", "reader"), ADMIN_MAX));
        if (stale(s.readToken(), READER_MAX)) writePrivate(s.readToken(), s.mint("local-reader", Set.of("reader"), READER_MAX));
        return s;
    }

    /** Whether a token file is missing, unreadable, without the audience, too long-lived, or within a week of expiry. */
    static boolean stale(Path token, Duration max) throws IOException {
        if (!Files.exists(token)) return true;
        try {
            String[] parts = Files.readString(token).strip().split("\\.");
            var claims = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            long iat = claims.path("iat").asLong(0), exp = claims.path("exp").asLong(0);
            var aud = claims.path("aud");
            boolean audience = aud.isTextual() ? AUDIENCE.equals(aud.asText()) : aud.isArray() && aud.toString().contains("\"" + AUDIENCE + "\"");
            long now = System.currentTimeMillis() / 1000;
            return !audience || iat <= 0 || exp - iat > max.toSeconds() || exp - now < RENEW_BEFORE.toSeconds();
        } catch (RuntimeException | IOException e) {
            return true;
        }
    }

    /** When the token in this file expires (epoch seconds), 0 when unreadable. */
    public static long expiresAt(Path token) {
        try {
            String[] parts = Files.readString(token).strip().split("\\.");
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1])).path("exp").asLong(0);
        } catch (RuntimeException | IOException e) {
            return 0;
        }
    }

    public Path publicKey() {
        return dir.resolve("public.pem");
    }

    public Path privateKey() {
        return dir.resolve("private.pem");
    }

    public Path adminToken() {
        return dir.resolve("admin.token");
    }

    public Path readToken() {
        return dir.resolve("read.token");
    }

    public String admin() throws IOException {
        return Files.readString(adminToken()).strip();
    }

    public String reader() throws IOException {
        return Files.readString(readToken()).strip();
    }

    /** The system properties that make a service verify this stack's tokens. */
    public java.util.Map<String, String> serviceProperties() {
        return java.util.Map.of("mp.jwt.verify.publickey.location", publicKey().toUri().toString(), "mp.jwt.verify.issuer", ISSUER);
    }

    private void generate() throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        KeyPair kp;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            kp = g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        writePrivate(privateKey(), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
        Files.writeString(publicKey(), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
        // tokens of an earlier key pair no longer verify
        Files.deleteIfExists(adminToken());
        Files.deleteIfExists(readToken());
    }

    /** A signed token for {@code subject} with these roles. */
    public String mint(String subject, Set<String> roles, Duration lifetime) throws IOException {
        Duration max = roles.contains("admin") ? ADMIN_MAX : READER_MAX;
        if (lifetime.compareTo(max) > 0) {
            throw new IllegalArgumentException((roles.contains("admin") ? "admin" : "reader") + " tokens live at most " + max.toDays() + " days");
        }
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject).groups(roles).issuedAt(now)
                .expiresAt(now + lifetime.toSeconds()).sign(loadPrivate());
    }

    private PrivateKey loadPrivate() throws IOException {
        String pem = Files.readString(privateKey()).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read " + privateKey() + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** Written so that only the owner can read it (created with those permissions, never world-readable in between). */
    public static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content);
    }
}
