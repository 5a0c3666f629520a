package dev.pmc.core.security;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** SSRF rules for provider base URLs, with a resolver whose answers the test chooses (DNS names that point inside). */
class BaseUrlPolicyTest {
    static final Map<String, String> DNS = Map.of("api.openai.com", "104.18.7.192", "rebind.example.com", "10.1.2.3",
            "six.example.com", "::ffff:169.254.169.254", "public.example.com", "93.184.216.34");
    static final BaseUrlPolicy.Resolver RESOLVER = host -> {
        String ip = DNS.get(host);
        if (ip == null && host.matches("[0-9.:a-fA-F]+")) return new InetAddress[]{InetAddress.getByName(host)};
        if (ip == null) throw new UnknownHostException(host);
        return new InetAddress[]{InetAddress.getByName(ip)};
    };

    @Test
    void internalAddressesAreRefusedUnlessAllowedExactly() {
        var policy = new BaseUrlPolicy(List.of("http://127.0.0.1:8090/", "https://api.example.com/v1"), true, RESOLVER);
        for (String bad : List.of("http://127.0.0.1:8084/v1", "http://127.1/v1", "http://localhost:8090/v1", "http://[::1]/v1",
                "http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/", "http://10.0.0.5/v1", "http://172.16.0.1/",
                "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0:8081/", "http://[fd00:ec2::254]/", "http://rebind.example.com/v1",
                "http://six.example.com/", "http://user:pw@public.example.com/", "file:///etc/passwd", "gopher://x/", "ftp://public.example.com/",
                "http://127.0.0.1:8090/v1/../../admin/behaviour")) {
            assertNotNull(policy.problem(bad), bad);
        }
        for (String ok : List.of("http://127.0.0.1:8090/v1", "http://127.0.0.1:8090/v1beta", "https://api.openai.com/v1", "https://public.example.com/v1",
                "https://api.example.com/v1", "https://api.example.com/v1/", "https://API.example.com:443/v1/chat", "https://unknown-today.example.org/v1")) {
            assertNull(policy.problem(ok), ok);
        }
    }

    @Test
    void anAllowListAloneAllowsOnlyWhatItLists() {
        var policy = new BaseUrlPolicy(List.of("https://api.example.com/v1", "http://10.1.2.3:8000/"), false, RESOLVER);
        for (String ok : List.of("https://api.example.com/v1", "https://api.example.com/v1/chat/completions", "http://10.1.2.3:8000/v1")) {
            assertNull(policy.problem(ok), ok + ": listed (an internal vLLM too, because the operator listed it)");
        }
        for (String bad : List.of("https://api.example.com.evil.net/v1", "https://api.example.com/v1admin", "https://api.example.com:8443/v1",
                "http://api.example.com/v1", "https://api.example.com/", "https://public.example.com/v1", "https://api.openai.com/v1",
                "http://10.1.2.3:8001/v1", "http://user@api.example.com/v1")) {
            assertNotNull(policy.problem(bad), bad);
        }
    }

    /** The spellings issue #26 found accepted (PUT answered 200), and their relatives. */
    @Test
    void otherSpellingsOfInternalAddressesAndPathTricksAreRefusedNamingTheRule() {
        var policy = new BaseUrlPolicy(List.of("http://127.0.0.1:8090/"), true, RESOLVER);
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("http://[::127.0.0.1]:8081/v1", "embeds the IPv4 address 127.0.0.1");
        refused.put("http://[64:ff9b::a9fe:a9fe]/v1", "169.254.169.254");
        refused.put("http://[64:ff9b::7f00:1]:8081/v1", "127.0.0.1");
        refused.put("http://[64:ff9b:1::a00:1]/v1", "10.0.0.1");
        refused.put("http://[2002:7f00:1::]:8081/v1", "127.0.0.1");
        refused.put("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/v1", "127.0.0.1"); // Teredo, client 127.0.0.1 inverted
        refused.put("http://[::ffff:10.0.0.1]/v1", "10.0.0.1");
        refused.put("http://0x7f000001:8081/v1", "non-canonical");
        refused.put("http://0177.0.0.1:8081/v1", "non-canonical");
        refused.put("http://2130706433:8081/v1", "non-canonical");
        refused.put("http://127.1:8081/v1", "non-canonical");
        refused.put("http://0x7f.0.0.1/v1", "non-canonical");
        refused.put("http://127.0.0.1:8090/v1/%2e%2e/admin", "percent-encoded");
        refused.put("http://127.0.0.1:8090/v1/%2E%2E/admin", "percent-encoded");
        refused.put("http://127.0.0.1:8090/v1/../admin", "dot segments");
        refused.put("http://127.0.0.1:8090/v1/./", "dot segments");
        refused.put("http://127.0.0.1:8090/v1?x=1", "query or fragment");
        refused.put("http://127.0.0.1:8090/v1#x", "query or fragment");
        refused.put("https://api.openai.com/v1?key=sk-abc", "query or fragment");
        refused.put("http://user@public.example.com/v1", "credentials");
        refused.put("http://[2001:db8::1]/v1", "reserved");
        refused.put("http://198.18.0.1/v1", "reserved");
        refused.put("http://localhost./v1", "local or metadata");
        refused.forEach((url, why) -> {
            String p = policy.problem(url);
            assertNotNull(p, url);
            org.junit.jupiter.api.Assertions.assertTrue(p.contains(why) && p.startsWith("baseUrl"), url + ": " + p);
        });
        // canonical public addresses and names stay allowed, also as IPv6 embedding a public IPv4 address
        for (String ok : List.of("http://93.184.216.34/v1", "http://[64:ff9b::5db8:d822]/v1", "https://public.example.com/v1", "http://[2606:4700::1]/v1")) {
            assertNull(policy.problem(ok), ok);
        }
    }

    @Test
    void theAddressAConnectionGoesToIsCheckedEveryTimeItIsResolved() throws Exception {
        Map<String, String> dns = new java.util.concurrent.ConcurrentHashMap<>(Map.of("rebind.test", "93.184.216.34"));
        var policy = new BaseUrlPolicy(List.of(), true, host -> {
            String ip = dns.get(host);
            if (ip == null) throw new UnknownHostException(host);
            return new InetAddress[]{InetAddress.getByName(ip)};
        });
        org.junit.jupiter.api.Assertions.assertEquals("93.184.216.34", policy.connectAddress("rebind.test").getHostAddress());
        dns.put("rebind.test", "127.0.0.1"); // the name now points inside
        var e = org.junit.jupiter.api.Assertions.assertThrows(BaseUrlPolicy.RefusedAddressException.class, () -> policy.connectAddress("rebind.test"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rebind.test") && e.getMessage().contains("127.0.0.1"), e.getMessage());
        dns.put("rebind.test", "::ffff:169.254.169.254");
        org.junit.jupiter.api.Assertions.assertThrows(BaseUrlPolicy.RefusedAddressException.class, () -> policy.connectAddress("rebind.test"));
        org.junit.jupiter.api.Assertions.assertThrows(BaseUrlPolicy.RefusedAddressException.class, () -> policy.connectAddress("localhost"));
        org.junit.jupiter.api.Assertions.assertThrows(UnknownHostException.class, () -> policy.connectAddress("gone.test"));
    }
}
