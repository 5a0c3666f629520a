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
}
