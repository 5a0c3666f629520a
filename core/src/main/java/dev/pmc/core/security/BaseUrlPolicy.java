package dev.pmc.core.security;

import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which provider base URLs a target may use, so that registering a target cannot make the gateway send requests (and
 * the provider key) to an address of the caller's choosing (SSRF). A URL is allowed when it lies under one of the
 * operator's allowed prefixes ({@code pmc.security.allowed-base-urls}: same scheme, host and port, path below);
 * otherwise, unless the operator allows only those ({@code pmc.security.allow-public-base-urls=false}), it must be
 * http(s) to a host that is not, and does not resolve to, a loopback, link-local (cloud metadata lives there),
 * private, unique-local, multicast, unspecified or carrier-grade-NAT address, nor a metadata host name. The local
 * simulator is allowed by the operator listing it (bin/pmc up does; the gateway always allows its default endpoint). Checked when a target is registered (a clear 400) and again by the
 * gateway before it builds the target's client (the address a name resolves to then).
 */
public final class BaseUrlPolicy {
    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "instance-data", "metadata.azure.com");

    /** Resolves a host name to its addresses (DNS; replaceable in tests). */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        Resolver DNS = InetAddress::getAllByName;
    }

    private final List<String> allowedPrefixes;
    private final boolean allowPublic;
    private final Resolver resolver;

    /** @param allowPublic whether public addresses outside the prefixes are allowed (false: only the prefixes) */
    public BaseUrlPolicy(List<String> allowedPrefixes, boolean allowPublic, Resolver resolver) {
        this.allowedPrefixes = allowedPrefixes.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        this.allowPublic = allowPublic;
        this.resolver = resolver;
    }

    /**
     * Why {@code u} cannot be an operator's allowed base URL (bin/pmc up --allow-base-url, a registry file's
     * allowedBaseUrls), or null: http(s) with a host, no user-info, query or fragment, no '..' or percent-encoding.
     */
    public static String prefixProblem(String u) {
        if (u == null || u.isBlank()) return "is empty";
        URI uri;
        try {
            uri = new URI(u.strip());
        } catch (URISyntaxException e) {
            return u + ": not a URL (" + e.getReason() + ")";
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            return u + ": needs http:// or https:// and a host, e.g. http://127.0.0.1:11434/v1";
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) return u + ": no user-info, query or fragment";
        if (uri.getRawPath() != null && (uri.getRawPath().contains("..") || uri.getRawPath().contains("%"))) {
            return u + ": no '..' or percent-encoding in the path";
        }
        return null;
    }

    /** Null when the URL may be used, else why not (safe to show: it names the rule, not a response). */
    public String problem(String baseUrl) {
        if (baseUrl == null) return null;
        String shape = shapeProblem(baseUrl);
        if (shape != null) return shape;
        URI u = URI.create(baseUrl).normalize();
        if (allowed(u)) return null;
        if (!allowPublic) return "baseUrl is not under an allowed prefix (pmc.security.allowed-base-urls: " + String.join(", ", allowedPrefixes) + ")";
        String host = hostOf(u);
        if (host.equals("localhost") || host.endsWith(".localhost") || METADATA_HOSTS.contains(host) || host.endsWith(".internal")) {
            return "baseUrl host " + host + " is a local or metadata address; allow it explicitly with pmc.security.allowed-base-urls";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return null; // unknown today: the gateway checks every address it connects to
        }
        for (InetAddress a : addresses) {
            if (internal(a)) {
                return "baseUrl host " + host + " resolves to " + a.getHostAddress()
                        + ", a loopback, link-local, private, reserved or metadata address; allow it explicitly with pmc.security.allowed-base-urls";
            }
        }
        return null;
    }

    /**
     * What no base URL may look like, allowed prefix or not: not http(s); user-info; a query or fragment (a key in a
     * URL would be stored, logged and returned); percent-encoding or dot segments in the path (they change the path
     * after checks); an IPv4 address spelled any way but canonical dotted decimal (octal, hex, dotless, short forms:
     * resolvers disagree on them); an IPv6 literal that embeds an internal IPv4 address. Null when none applies.
     */
    public static String shapeProblem(String baseUrl) {
        URI u;
        try {
            u = new URI(baseUrl);
        } catch (URISyntaxException e) {
            return "baseUrl is not a URI: " + e.getMessage();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) return "baseUrl must be http or https";
        if (u.getRawUserInfo() != null) return "baseUrl must not carry credentials (user-info before '@')";
        if (u.getRawQuery() != null || u.getRawFragment() != null || baseUrl.indexOf('?') >= 0 || baseUrl.indexOf('#') >= 0) {
            return "baseUrl must not have a query or fragment ('?', '#'): keys go in apiKey, never in a URL";
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.contains("%")) return "baseUrl path must not be percent-encoded ('%')";
        for (String seg : path.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".")) return "baseUrl must not have dot segments ('.' or '..') in its path";
        }
        if (u.getHost() == null || u.getHost().isBlank()) {
            // java.net.URI gives no host for names it cannot read as one, such as 127.1 (a short IPv4 form to inet_aton)
            String auth = u.getRawAuthority() == null ? "" : u.getRawAuthority().replaceFirst(":[0-9]*$", "").toLowerCase(Locale.ROOT);
            if (looksNumeric(auth)) return "baseUrl host " + auth + " is an IPv4 address in a non-canonical spelling (octal, hex, dotless or short): write it as a.b.c.d";
            return "baseUrl has no host";
        }
        String host = hostOf(u);
        if (!host.contains(":") && looksNumeric(host) && !CANONICAL_V4.matcher(host).matches()) {
            return "baseUrl host " + host + " is an IPv4 address in a non-canonical spelling (octal, hex, dotless or short): write it as a.b.c.d";
        }
        if (host.contains(":")) {
            try {
                InetAddress a = InetAddress.getByName(host);
                InetAddress embedded = embeddedV4(a);
                if (embedded != null && internal(embedded)) {
                    return "baseUrl host [" + host + "] embeds the IPv4 address " + embedded.getHostAddress() + ", a loopback, private, reserved or metadata address";
                }
            } catch (UnknownHostException e) {
                return "baseUrl host [" + host + "] is not an IPv6 address";
            }
        }
        return null;
    }

    /** Whether the URL lies under one of the operator's allowed prefixes (then no address check applies). */
    public boolean allowed(URI u) {
        for (String p : allowedPrefixes) if (within(u, p)) return true;
        return false;
    }

    /**
     * The address to connect to for {@code host} (a URL not under an allowed prefix), checked at the moment of the
     * connection: every address the name resolves to now must be public, so a name that changes its answer after
     * registration (DNS rebinding) cannot reach an internal address. Java has no resolver hook, so the caller
     * connects to the returned address itself (sending the name as Host and TLS server name).
     *
     * @throws RefusedAddressException naming the host and the address
     * @throws UnknownHostException    when the name does not resolve
     */
    public InetAddress connectAddress(String host) throws UnknownHostException {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (h.equals("localhost") || h.endsWith(".localhost") || METADATA_HOSTS.contains(h) || h.endsWith(".internal")) {
            throw new RefusedAddressException("host " + h + " is a local or metadata name");
        }
        if (!h.contains(":") && looksNumeric(h) && !CANONICAL_V4.matcher(h).matches()) {
            throw new RefusedAddressException("host " + h + " is an IPv4 address in a non-canonical spelling");
        }
        InetAddress[] all = resolver.resolve(h);
        if (all.length == 0) throw new UnknownHostException(h);
        for (InetAddress a : all) {
            if (internal(a)) {
                throw new RefusedAddressException("host " + h + " resolves to " + a.getHostAddress()
                        + ", a loopback, link-local, private, reserved or metadata address (not connected)");
            }
        }
        return all[0];
    }

    /** An address the gateway refused to connect to: never retried, the call fails naming host and address. */
    public static final class RefusedAddressException extends RuntimeException {
        public RefusedAddressException(String message) {
            super(message, null, false, false);
        }
    }

    private static final java.util.regex.Pattern CANONICAL_V4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final java.util.regex.Pattern NUMERIC_LABEL = java.util.regex.Pattern.compile("0x[0-9a-f]*|[0-9]+");

    /** Every dot-separated label a number (decimal, octal or 0x-hex): what inet_aton would read as an IPv4 address. */
    static boolean looksNumeric(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.isEmpty()) return false;
        for (String label : h.split("\\.", -1)) if (!NUMERIC_LABEL.matcher(label).matches()) return false;
        return true;
    }

    private static String hostOf(URI u) {
        String host = u.getHost();
        host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        host = IDN.toASCII(host).toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * Whether {@code u} lies under the allowed prefix: same scheme, host and port, and a path that starts with the
     * prefix's path at a segment boundary (so "https://api.example.com" does not allow "https://api.example.com.evil.net"
     * and ".../v1" does not allow ".../v1admin").
     */
    static boolean within(URI u, String prefix) {
        URI p;
        try {
            p = new URI(prefix).normalize();
        } catch (URISyntaxException e) {
            return false;
        }
        if (p.getScheme() == null || p.getHost() == null || u.getHost() == null) return false;
        if (!p.getScheme().equalsIgnoreCase(u.getScheme()) || !p.getHost().equalsIgnoreCase(u.getHost()) || port(p) != port(u)) return false;
        String pp = p.getRawPath() == null || p.getRawPath().isEmpty() ? "/" : p.getRawPath();
        String up = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (!pp.endsWith("/")) pp = pp + "/";
        if (!up.endsWith("/")) up = up + "/";
        return up.startsWith(pp);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /**
     * Loopback, link-local, private, unique-local, multicast, unspecified, CGNAT, documentation, benchmarking and other
     * reserved ranges; an IPv6 address that embeds an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96
     * and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32) is judged by that IPv4 address.
     */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) return true;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o1 = b[0] & 0xff, o2 = b[1] & 0xff, o3 = b[2] & 0xff;
            return o1 == 0 || o1 == 10 || o1 == 127 || (o1 == 100 && o2 >= 64 && o2 < 128) || (o1 == 169 && o2 == 254)
                    || (o1 == 172 && o2 >= 16 && o2 < 32) || (o1 == 192 && o2 == 168) || (o1 == 192 && o2 == 0 && (o3 == 0 || o3 == 2))
                    || (o1 == 198 && (o2 == 18 || o2 == 19)) || (o1 == 198 && o2 == 51 && o3 == 100) || (o1 == 203 && o2 == 0 && o3 == 113)
                    || o1 >= 224;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) return true; // fec0::/10 site-local (deprecated)
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) return true; // 2001:db8::/32
            boolean discard = true; // 100::/64
            for (int i = 2; i < 8; i++) discard &= b[i] == 0;
            if ((b[0] & 0xff) == 0x01 && b[1] == 0 && discard) return true;
            InetAddress v4 = embeddedV4(a);
            if (v4 != null) return internal(v4);
        }
        return false;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo client), or null. */
    static InetAddress embeddedV4(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a instanceof Inet4Address ? a : null;
        byte[] b = a.getAddress();
        byte[] v4 = null;
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) zero80 &= b[i] == 0;
        if (zero80 && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || (b[10] == 0 && b[11] == 0))) {
            v4 = new byte[]{b[12], b[13], b[14], b[15]}; // ::ffff:a.b.c.d mapped, ::a.b.c.d compatible
        } else if (u16(b, 0) == 0x0064 && u16(b, 2) == 0xff9b && (u16(b, 4) == 0 || u16(b, 4) == 1)) {
            v4 = new byte[]{b[12], b[13], b[14], b[15]}; // NAT64 64:ff9b::/96 and local-use 64:ff9b:1::/48
        } else if (u16(b, 0) == 0x2002) {
            v4 = new byte[]{b[2], b[3], b[4], b[5]}; // 6to4 2002:AABB:CCDD::/48
        } else if (u16(b, 0) == 0x2001 && u16(b, 2) == 0) {
            v4 = new byte[]{(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]}; // Teredo: the client's address, inverted
        }
        if (v4 == null) return null;
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
