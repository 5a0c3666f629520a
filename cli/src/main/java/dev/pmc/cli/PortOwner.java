package dev.pmc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a process is the one listening on a TCP port, read from Linux's /proc (the sockets in LISTEN state on that
 * port, and the process's open file descriptors that are those sockets). bin/pmc uses it before it sends the local
 * admin token: after a crash another program may have taken a service's port, and must not receive the token.
 * Java has no API for a port's owner; /proc is what ss and lsof read.
 */
final class PortOwner {
    private PortOwner() {
    }

    /** True or false on Linux; empty where /proc/net/tcp cannot be read (then nothing can be proven either way). */
    static Optional<Boolean> holds(long pid, int port) {
        Set<String> inodes = new HashSet<>();
        boolean readable = false;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    if (f.length < 10 || !f[1].contains(":") || !"0A".equals(f[3])) continue;
                    int p = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    if (p == port) inodes.add(f[9]);
                }
                readable = true;
            } catch (IOException | RuntimeException e) {
                // table absent (no IPv6) or unreadable
            }
        }
        if (!readable) return Optional.empty();
        if (inodes.isEmpty()) return Optional.of(false);
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return Optional.of(fds.anyMatch(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1));
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }));
        } catch (IOException e) {
            return Optional.of(false); // not our process, or gone
        }
    }
}
