package dev.pmc.gateway;

import dev.pmc.core.Topics;
import dev.pmc.core.targets.TargetConfig;
import dev.pmc.core.targets.TargetFile;
import dev.pmc.gateway.limits.AccountLimiter;
import dev.pmc.gateway.limits.AdaptiveRate;
import dev.pmc.gateway.limits.AsyncSemaphore;
import dev.pmc.gateway.limits.CircuitBreaker;
import dev.pmc.gateway.limits.RetryBudget;
import dev.pmc.gateway.provider.ProviderAdapter;
import dev.pmc.core.targets.TargetDirectory;
import dev.pmc.core.instruments.Instruments;
import dev.pmc.core.security.BaseUrlPolicy;
import dev.pmc.core.security.KeyBindings;
import dev.pmc.gateway.provider.HttpTransport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The targets the gateway can call: those of the registry topic pmc.targets (written by the prompt-generator's
 * registry; every replica reads it whole, through {@link TargetDirectory}) and of an optional YAML file
 * ({@code pmc.gateway.targets-file}). A name defined in neither is not called (its prompts are dead-lettered); a
 * definition without a base URL calls the OpenAI-compatible endpoint {@code pmc.gateway.default-base-url} (the
 * simulator).
 */
@ApplicationScoped
public class GatewayTargets {
    private static final Logger LOG = Logger.getLogger(GatewayTargets.class);

    private final Map<String, TargetConfig> defined = new ConcurrentHashMap<>();
    private final Map<String, TargetRuntime> runtimes = new ConcurrentHashMap<>();
    private final Map<String, AccountLimiter> accounts = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-pacer");
        t.setDaemon(true);
        return t;
    });
    private final io.vertx.core.Vertx vertx;
    private final Map<String, HttpTransport> transports = new ConcurrentHashMap<>();
    private volatile double share = 1;


    @jakarta.inject.Inject
    GatewayConfig config;
    final MeterRegistry registry;
    @jakarta.inject.Inject
    SecretStore secrets;
    @jakarta.inject.Inject
    TargetStatusPublisher status;
    @ConfigProperty(name = "pmc.security.allow-public-base-urls", defaultValue = "true")
    boolean allowPublicBaseUrls;
    @ConfigProperty(name = "pmc.security.allowed-base-urls")
    Optional<List<String>> allowedBaseUrls;
    /**
     * Whether connections to base URLs outside the allow-list are checked where they are made (default true; false
     * only for SecurityIT's own control, which must see the rebinding succeed without it).
     */
    @ConfigProperty(name = "pmc.security.connect-check", defaultValue = "true")
    boolean connectCheck;
    private BaseUrlPolicy urlPolicy;
    @jakarta.inject.Inject
    TargetDirectory directory;

    public GatewayTargets(MeterRegistry registry, io.vertx.core.Vertx vertx) {
        this.registry = registry;
        this.vertx = vertx;
        Gauge.builder("pmc_gateway_partition_share", this, GatewayTargets::share)
                .description("This replica's share of pmc.prompts partitions (known rate limits are scaled by it)").register(registry);
    }

    void start(@Observes StartupEvent ev) {
        Instruments.loadAtStartup();
        // the default endpoint (the local simulator) is the operator's own choice: always allowed
        List<String> allowed = new java.util.ArrayList<>(allowedBaseUrls.orElse(List.of()));
        allowed.add(config.defaultBaseUrl());
        TargetFile.Registry file = config.targetsFile().filter(f -> !f.isBlank()).map(f -> TargetFile.readRegistry(Path.of(f))).orElse(null);
        if (file != null) allowed.addAll(file.allowedBaseUrls()); // the registry file's operator may allow a local server
        urlPolicy = new BaseUrlPolicy(allowed, allowPublicBaseUrls, BaseUrlPolicy.Resolver.DNS);
        if (!connectCheck) LOG.warn("pmc.security.connect-check=false: connections to base URLs outside the allow-list are NOT checked (DNS rebinding reaches internal addresses)");
        if (file != null) {
            // a bad file stops the start with a message naming the field
            for (TargetConfig t : file.targets()) define(t);
            LOG.infof("loaded %d targets from %s", defined.size(), config.targetsFile().get());
        }
        if (config.registry().enabled()) {
            directory.listen(this::onTarget).start();
        }
    }

    /** A change read from pmc.targets (every replica reads it whole, from the beginning); a tombstone removes a target. */
    private void onTarget(String key, String value, TargetConfig config) {
        try {
            if (value == null) {
                TargetConfig gone = defined.remove(key);
                if (gone != null) LOG.infof("target %s deleted: its waiting calls are dropped", key);
                retire(key);
                if (gone != null && defined.values().stream().noneMatch(t -> t.account().equals(gone.account()))) {
                    // the account's last target: its limiter and gauge go too
                    accounts.remove(gone.account());
                    registry.getMeters().stream().filter(m -> gone.account().equals(m.getId().getTag("account"))).forEach(registry::remove);
                }
            } else if (config != null) {
                define(config);
            } else {
                LOG.warnf("ignoring target %s from %s: not readable here", key, Topics.TARGETS);
            }
        } catch (RuntimeException e) {
            LOG.warnf("ignoring target %s from %s: %s", key, Topics.TARGETS, e.getMessage());
        }
    }

    void define(TargetConfig t) {
        TargetConfig old = defined.put(t.name(), t);
        if (old == null || !old.equals(t)) {
            TargetRuntime rt = runtimes.remove(t.name());
            // a redefined target's waiting calls go on with the old runtime; only a deletion drops them
            if (rt != null && old != null) LOG.infof("target %s redefined", t.name());
        }
    }

    /** A deleted target: its runtime's waiting calls are dropped, its pool closed, its meters removed. */
    private void retire(String name) {
        TargetRuntime rt = runtimes.remove(name);
        if (rt != null) rt.retired().set(true);
        var transport = transports.remove(name);
        if (transport != null) transport.close();
        CircuitBreaker b = breakers.remove(name);
        if (b != null) {
            registry.getMeters().stream().filter(m -> name.equals(m.getId().getTag("target")) && m.getId().getName().startsWith("pmc_gateway_"))
                    .forEach(registry::remove);
        }
    }

    /**
     * The runtime of a registered target (the registry topic, the targets file), built on first use; null for a name
     * defined nowhere, so an event cannot mint a pool or meters for an arbitrary name.
     */
    /** Completes once every pmc.targets record written before the call has been read (at once without a registry). */
    public java.util.concurrent.CompletionStage<Boolean> sync() {
        return config.registry().enabled() ? directory.sync() : java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    public TargetRuntime get(String name) {
        if (!defined.containsKey(name)) return null;
        return runtimes.computeIfAbsent(name, this::create);
    }

    /** Why the target's account is paused for quota, or null (also when it was never called). */
    public String quotaExhausted(String name) {
        TargetRuntime r = runtimes.get(name);
        return r == null ? null : r.limiter().quotaExhausted();
    }

    public Map<String, TargetConfig> defined() {
        return Map.copyOf(defined);
    }

    /** This replica's share of the prompt partitions (1 when alone). */
    public void setShare(double share) {
        this.share = share;
        accounts.values().forEach(a -> a.setShare(share));
        LOG.infof("partition share %.3f: known rate limits scaled to it", share);
    }

    public double share() {
        return share;
    }

    private TargetRuntime create(String name) {
        TargetConfig t = defined.get(name);
        if (t.baseUrl() == null) t = t.withBaseUrl(config.defaultBaseUrl());
        SecretStore.Lookup secret = secrets.lookup(t.apiKey());
        String key = secret.key();
        String keyProblem = secret.problem();
        String urlProblem = urlPolicy.problem(t.baseUrl());
        if (urlProblem != null) keyProblem = "target " + name + " is not called: " + urlProblem;
        // a key only to the hosts it is bound to (built-in names to their providers, others by the operator's binding)
        String bound = key == null ? null : KeyBindings.problem(t.apiKey(), t.baseUrl(), secret.baseUrls());
        if (bound != null) {
            keyProblem = "target " + name + " is not called: " + bound;
            key = null; // never handed to an adapter
            LOG.warn(keyProblem);
        }
        TargetConfig.Limits l = t.limits();
        final TargetConfig cfg = t;
        AccountLimiter limiter = accounts.compute(t.account(), (k, existing) -> {
            if (existing != null) {
                existing.configure(l.rpm(), l.tpm());
                return existing;
            }
            AccountLimiter a = new AccountLimiter(k, l.rpm(), l.tpm(), new AdaptiveRate(config.adaptive().initialRps(), 0.5, config.adaptive().maxRps(), 0.02, 0.85,
                    TimeUnit.SECONDS.toNanos(1), System.nanoTime()), timer, config.limitUtilisation());
            a.setShare(share);
            a.setQuotaRecheck(config.quotaRecheck());
            // every target on the account pauses and resumes with it: recorded for the run records and the live page
            a.setQuotaListener(reason -> defined.values().stream().filter(x -> x.account().equals(k))
                    .forEach(x -> { if (status != null) status.publish(x.name(), reason == null ? null : "quota exhausted: " + reason); }));
            Gauge.builder("pmc_gateway_rate_limit_requests_per_second", a, AccountLimiter::requestRate)
                    .description("Request rate in force for a provider account (configured, learned from headers or adaptive, times this replica's share)")
                    .tag("account", k).register(registry);
            return a;
        });
        CircuitBreaker breaker = breakers.computeIfAbsent(name, n -> {
            CircuitBreaker b = new CircuitBreaker(config.circuit().failureThreshold(), config.circuit().openDuration().toNanos());
            Gauge.builder("pmc_gateway_circuit_state", b, x -> x.state().ordinal())
                    .description("Circuit breaker per target: 0 closed, 1 half-open, 2 open").tag("target", n).register(registry);
            // once per target: 1 while its account's quota is exhausted (its calls wait), read from the live runtime
            Gauge.builder("pmc_gateway_quota_exhausted", this, g -> {
                        TargetRuntime r = g.runtimes.get(n);
                        return r != null && r.limiter().quotaExhausted() != null ? 1 : 0;
                    })
                    .description("1 while the target's provider account has no quota left: its calls wait (no retries) until a check call succeeds or an operator resumes it")
                    .tag("target", n).register(registry);
            return b;
        });
        // counters a dashboard plots exist from the start, at 0 (no "no data" before the first 429 or priced call):
        // TargetMeters registers them with the runtime below
        LOG.infof("target %s: %s %s model %s, limits rpm=%s tpm=%s in-flight=%d, answers per call %d", name, cfg.provider(), cfg.baseUrl(), cfg.model(),
                l.rpm(), l.tpm(), cfg.maxInFlight(), cfg.choices());
        // one connection pool per target, as large as its in-flight cap
        var transport = transports.compute(name, (k, old) -> {
            if (old != null) old.close();
            // a base URL the operator allowed connects by name; any other is checked at every connection (rebinding)
            boolean operatorAllowed = cfg.baseUrl() != null && urlPolicy.allowed(java.net.URI.create(cfg.baseUrl()).normalize());
            return new HttpTransport(vertx, cfg.maxInFlight(), operatorAllowed || !connectCheck ? null : urlPolicy::connectAddress);
        });
        ProviderAdapter adapter;
        try {
            adapter = ProviderAdapter.of(cfg, key, transport);
        } catch (RuntimeException e) {
            // one target's unusable definition fails its own calls, never the gateway
            adapter = null;
            keyProblem = "target " + name + " cannot be called: " + e.getMessage();
            LOG.warn(keyProblem);
        }
        return new TargetRuntime(cfg, adapter, limiter, breaker, new RetryBudget(config.retry().budgetRatio(), config.retry().budgetReserve(), config.retry().budgetReserve()),
                new AsyncSemaphore(cfg.maxInFlight()), keyProblem, new java.util.concurrent.atomic.AtomicBoolean(),
                new java.util.concurrent.atomic.AtomicBoolean(), new TargetMeters(registry, name));
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
