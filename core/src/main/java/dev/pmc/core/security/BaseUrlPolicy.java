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
        URI u;
        try {
            u = new URI(baseUrl).normalize();
        } catch (URISyntaxException e) {
            return "baseUrl is not a URI: " + e.getMessage();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) return "baseUrl must be http or https";
        if (u.getUserInfo() != null) return "baseUrl must not carry credentials";
        if (u.getRawPath() != null && u.getRawPath().contains("..")) return "baseUrl must not climb out of its path ('..')";
        for (String p : allowedPrefixes) if (within(u, p)) return null;
        if (!allowPublic) return "baseUrl is not under an allowed prefix (pmc.security.allowed-base-urls: " + String.join(", ", allowedPrefixes) + ")";
        String host = u.getHost();
        if (host == null || host.isBlank()) return "baseUrl has no host";
        host = IDN.toASCII(host.startsWith("[") ? host.substring(1, host.length() - 1) : host).toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || METADATA_HOSTS.contains(host) || host.endsWith(".internal")) {
            return "baseUrl host " + host + " is a local or metadata address; allow it explicitly with pmc.security.allowed-base-urls";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return null; // unknown today: the gateway checks again when it resolves it for calls
        }
        for (InetAddress a : addresses) {
            if (internal(a)) {
                return "baseUrl host " + host + " resolves to " + a.getHostAddress()
                        + ", a loopback, link-local, private or metadata address; allow it explicitly with pmc.security.allowed-base-urls";
            }
        }
        return null;
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

    /** Loopback, link-local, site-local/private, unique-local, multicast, unspecified, CGNAT, or IPv4-mapped such. */
    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) return true;
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff, second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0 && (b[2] & 0xff) == 0)
                    || first >= 240;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
            boolean mapped = true;
            for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return internal(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
