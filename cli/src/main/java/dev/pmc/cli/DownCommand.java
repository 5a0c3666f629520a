package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmc.core.events.EventCodec;
import dev.pmc.stack.ServiceProcess;

import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code pmc down}: stops the local stack that .pmc/stack.json describes: the supervisor (SIGTERM: it stops its children
 * in order), then every child still alive, by pid and start time (so a process that merely reused a pid is never hit),
 * SIGTERM and after 15 s SIGKILL. It also clears a stack whose supervisor died and left children behind.
 */
@Command(name = "down", description = "Stop the local stack (the supervisor and every process it started).")
final class DownCommand extends Main.PmcCommand {
    @Override
    int run() throws Exception {
        Path dataDir = ServiceProcess.projectRoot().resolve(".pmc");
        int stopped = stop(dataDir, out);
        out.println(stopped < 0 ? "pmc down: no running stack" : "pmc down: stopped (" + stopped + " processes)");
        return 0;
    }

    /** Stops what the descriptor lists; returns how many processes were running, or -1 without a descriptor. */
    static int stop(Path dataDir, PrintStream out) throws Exception {
        Path descriptor = Stack.descriptor(dataDir);
        if (!Files.exists(descriptor)) return -1;
        JsonNode d = EventCodec.mapper().readTree(Files.readString(descriptor));
        int count = 0;
        Optional<ProcessHandle> supervisor = ours(d.path("pid").asLong(), d.path("startMs").asLong());
        if (supervisor.isPresent()) {
            count++;
            out.println("pmc down: stopping the supervisor (pid " + supervisor.get().pid() + ") ...");
            supervisor.get().destroy();
            awaitExit(supervisor.get(), 60);
        }
        List<ProcessHandle> left = new ArrayList<>();
        d.path("pids").fields().forEachRemaining(e -> ours(e.getValue().asLong(), d.path("starts").path(e.getKey()).asLong()).ifPresent(h -> {
            out.println("pmc down: stopping " + e.getKey() + " (pid " + h.pid() + ")");
            h.destroy();
            left.add(h);
        }));
        for (ProcessHandle h : left) awaitExit(h, 15);
        Files.deleteIfExists(descriptor);
        Files.deleteIfExists(dataDir.resolve("pmc-up.pid"));
        return count + left.size();
    }

    /** The live process with this pid, if it started at startMs (±1 s; unknown start: trusted). */
    static Optional<ProcessHandle> ours(long pid, long startMs) {
        if (pid <= 0 || pid == ProcessHandle.current().pid()) return Optional.empty();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startMs <= 0
                || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startMs) < 1000).orElse(true));
    }

    private static void awaitExit(ProcessHandle h, int seconds) throws InterruptedException {
        try {
            h.onExit().get(seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            h.destroyForcibly();
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // gone or unkillable: nothing more to do
            }
        } catch (java.util.concurrent.ExecutionException e) {
            // exited
        }
    }
}
