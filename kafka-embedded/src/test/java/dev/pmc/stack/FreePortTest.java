package dev.pmc.stack;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortTest {
    /** Ports below the ephemeral range (no outgoing connection can take one first), each bindable, never twice. */
    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        int ephemeral = ServiceProcess.ephemeralRangeStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = ServiceProcess.freePort();
            assertTrue(seen.add(port), "handed out twice: " + port);
            assertTrue(port >= 10_000 && port < ephemeral, port + " outside 10000.." + ephemeral);
        }
        for (int port : seen.stream().limit(20).toList()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(port));
            }
        }
    }

    /** A port something already listens on is never handed out. */
    @Test
    void aListenedPortIsSkipped() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            for (int i = 0; i < 200; i++) assertTrue(ServiceProcess.freePort() != taken.getLocalPort());
        }
    }
}
