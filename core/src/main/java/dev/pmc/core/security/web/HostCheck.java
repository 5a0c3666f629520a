package dev.pmc.core.security.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers only requests addressed to a configured name ({@code pmc.security.allowed-hosts}; default 127.0.0.1,
 * localhost and [::1], the local stack's). A web page whose own name an attacker re-points at 127.0.0.1 (DNS
 * rebinding) sends its own name as Host, so it cannot read /q/metrics or the API from a browser on this machine. Runs
 * before every route, /q/* included; a request without a Host (HTTP/1.0 health checks) passes. Compose and Kubernetes
 * list their service names and pod addresses; {@code *} switches the check off.
 */
@ApplicationScoped
public class HostCheck {
    @ConfigProperty(name = "pmc.security.allowed-hosts", defaultValue = "127.0.0.1,localhost,[::1]")
    List<String> allowedHosts;

    void register(@Observes Filters filters) {
        Set<String> allowed = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
        if (allowed.contains("*")) return;
        filters.register(rc -> {
            var authority = rc.request().authority();
            if (authority == null || allowed.contains(hostName(authority.host()))) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(421).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"this service does not answer for that host name (pmc.security.allowed-hosts)\"}");
        }, 10_000);
    }

    /** The host part as configured: lower case, IPv6 literals in brackets. */
    static String hostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }
}
