package dev.pmc.generator;

import dev.pmc.core.Topics;
import dev.pmc.core.targets.InvalidTargetException;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.targets.TargetFile;
import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.security.BaseUrlPolicy;
import dev.pmc.core.security.KeyBindings;
import dev.pmc.core.targets.ModelCapabilities;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The target registry. At start it reads the compacted topic pmc.targets (targets created over REST survive
 * restarts), then applies the YAML file {@code pmc.targets-file} (a file definition wins for the names it
 * defines; a bad file stops the start with a message naming the field) and the simulated names of
 * {@code pmc.targets} that nothing defines. Every change is written to pmc.targets (a tombstone on delete),
 * which is how the gateway and the aggregator learn about targets.
 */
@ApplicationScoped
public class TargetRegistry {
    private static final Logger LOG = Logger.getLogger(TargetRegistry.class);

    @Inject
    @Channel("targets")
    Emitter<Record<String, String>> emitter;
    @ConfigProperty(name = "pmc.targets-file")
    Optional<String> file;
    /** Answers per call of the built-in simulated targets: a cell's n = 10 repetitions in one call. */
    static final int BUILT_IN_CHOICES = 10;

    @ConfigProperty(name = "pmc.targets")
    String builtIn;
    /** pmc.targets as this service reads it; the registry writes changes there and holds them at once. */
    @Inject
    TargetDirectory directory;

    void start(@Observes StartupEvent ev) throws InterruptedException {
        Instruments.loadAtStartup();
        // targets created over REST survive restarts; other replicas' changes (and our own, echoed) keep arriving
        if (!directory.start().awaitCaughtUp(Duration.ofSeconds(30))) {
            LOG.warnf("%s not read within 30 s: starting from what was read and the file", Topics.TARGETS);
        }
        int fromTopic = directory.configs().size();
        TargetFile.Registry registryFile = file.isPresent() && !file.get().isBlank() ? TargetFile.readRegistry(Path.of(file.get())) : null;
        List<TargetConfig> fromFile = registryFile == null ? List.of() : registryFile.targets();
        // the registry file's operator may allow more base URLs (a local model server)
        if (registryFile != null) fileAllowedBaseUrls = registryFile.allowedBaseUrls();
        for (TargetConfig t : fromFile) put(t);
        for (String name : RunPlanner.parseTargets(builtIn)) {
            // the built-in names are provider-sim's models, which answer n choices per call like OpenAI
            if (directory.config(name).isEmpty()) put(TargetFile.parseTarget("{\"name\":\"" + name + "\",\"choicesPerCall\":" + BUILT_IN_CHOICES + "}").withDefaults());
        }
        LOG.infof("target registry: %d from %s, %d from file, %d in all: %s", fromTopic, Topics.TARGETS, fromFile.size(),
                directory.configs().size(), names());
    }

    public Collection<TargetConfig> all() {
        return directory.configs();
    }

    public Optional<TargetConfig> get(String name) {
        return directory.config(name);
    }

    public java.util.Set<String> names() {
        return all().stream().map(TargetConfig::name).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @ConfigProperty(name = "pmc.security.allowed-base-urls")
    Optional<List<String>> allowedBaseUrls;
    private volatile List<String> fileAllowedBaseUrls = List.of();
    @ConfigProperty(name = "pmc.security.secret-base-urls")
    Optional<java.util.Map<String, String>> secretBaseUrls;
    @ConfigProperty(name = "pmc.security.allow-public-base-urls", defaultValue = "true")
    boolean allowPublicBaseUrls;

    /** Validates (baseline must exist, base URL allowed) and stores the target with its defaults; returns it. */
    public synchronized TargetConfig put(TargetConfig t) {
        List<String> problems = new ArrayList<>(t.problems(""));
        List<String> allowed = new ArrayList<>(allowedBaseUrls.orElse(List.of()));
        allowed.addAll(fileAllowedBaseUrls);
        String url = new BaseUrlPolicy(allowed, allowPublicBaseUrls, BaseUrlPolicy.Resolver.DNS)
                .problem(t.baseUrl());
        if (url != null) problems.add(url);
        // a key goes only to the hosts it is bound to: built-in names to their providers, others as the operator binds
        // them (pmc.security.secret-base-urls.NAME here; the gateway also reads NAME.base-urls beside the secret)
        if (t.apiKey() != null && (KeyBindings.BUILT_IN.containsKey(t.apiKey())
                || secretBaseUrls.map(m -> m.containsKey(t.apiKey())).orElse(false))) {
            String bound = KeyBindings.problem(t.apiKey(), t.baseUrl(),
                    secretBaseUrls.map(m -> m.get(t.apiKey())).map(v -> List.of(v.split(","))).orElse(List.of()));
            if (bound != null) problems.add(bound);
        }
        if (t.baseline() != null && directory.config(t.baseline()).isEmpty()) problems = concat(problems, "baseline '" + t.baseline() + "' is not a defined target");
        if (!problems.isEmpty()) throw new InvalidTargetException(String.join("; ", problems));
        TargetConfig full = t.withDefaults();
        // readings are judged against a baseline read at the same temperature (a fixed-temperature family decides it)
        if (full.baseline() != null) {
            String why = ModelCapabilities.incomparable(full, directory.config(full.baseline()).orElse(null));
            if (why != null) problems.add("baseline: " + why);
        }
        for (TargetConfig other : all()) {
            if (full.name().equals(other.baseline()) && !other.name().equals(full.name())) {
                String why = ModelCapabilities.incomparable(other, full);
                if (why != null) problems.add("temperature: " + why);
            }
        }
        if (!problems.isEmpty()) throw new InvalidTargetException(String.join("; ", problems));
        record(Record.of(full.name(), TargetFile.toJson(full)));
        directory.wrote(full);
        return full;
    }

    /** Removes a target; refused while another target names it as baseline. */
    public synchronized boolean delete(String name) {
        for (TargetConfig t : all()) {
            if (name.equals(t.baseline())) throw new InvalidTargetException("target '" + t.name() + "' uses '" + name + "' as its baseline");
        }
        if (directory.config(name).isEmpty()) return false;
        record(Record.of(name, null));
        directory.deleted(name);
        return true;
    }

    /** The registry could not write to pmc.targets (broker unreachable): nothing changed. */
    public static final class NotRecordedException extends RuntimeException {
        NotRecordedException(String message) {
            super(message);
        }
    }

    /**
     * Writes a target record and waits for the broker's acknowledgement, so that it precedes anything published
     * after this returns (the run's prompts): other services read pmc.targets up to an event before refusing it.
     */
    private void record(Record<String, String> r) {
        try {
            emitter.send(r).toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotRecordedException("interrupted while writing " + Topics.TARGETS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new NotRecordedException("cannot write " + Topics.TARGETS + " (" + (e.getCause() == null ? e : e.getCause()).getMessage() + "): nothing changed, try again");
        }
    }

    private static List<String> concat(List<String> l, String s) {
        List<String> out = new ArrayList<>(l);
        out.add(s);
        return out;
    }
}
