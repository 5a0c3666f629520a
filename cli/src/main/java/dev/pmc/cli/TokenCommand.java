package dev.pmc.cli;

import dev.pmc.stack.LocalSecurity;

import dev.pmc.stack.ServiceProcess;
import dev.pmc.core.Names;
import dev.pmc.core.targets.Intervals;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Set;

/**
 * {@code pmc token [--role reader|admin] [--ttl 30d] [--subject NAME]}: prints a new bearer token for the local stack,
 * signed with its key (.pmc/security), for a dashboard, a colleague or a script. Roles: reader (every GET of /api) or
 * admin (everything).
 */
@Command(name = "token", sortOptions = false,
        description = "A new bearer token for the local stack's API (admin at most 30 days, reader 90).")
final class TokenCommand extends Main.PmcCommand {
    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "reader", description = "reader (every GET of /api) or admin (everything); default reader")
    String role;
    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "30d", description = "lifetime, e.g. 12h, 30d (default 30d)")
    String ttlText;
    @Option(names = "--subject", paramLabel = "NAME", description = "who it is for (default local-ROLE)")
    String subject;

    @Override
    int run() throws Exception {
        if (!role.equals("reader") && !role.equals("admin")) throw new Main.UsageException("--role must be reader or admin");
        java.time.Duration ttl = Intervals.parse(ttlText);
        if (subject == null) subject = "local-" + role;
        if (!Names.TARGET.matcher(subject).matches()) throw new Main.UsageException("--subject must match " + Names.TARGET);
        LocalSecurity s = LocalSecurity.ensure(ServiceProcess.projectRoot().resolve(".pmc"));
        String token;
        try {
            token = s.mint(subject, role.equals("admin") ? Set.of("admin", "reader") : Set.of("reader"), ttl);
        } catch (IllegalArgumentException tooLong) {
            throw new Main.UsageException("--ttl " + ttlText + ": " + tooLong.getMessage()
                    + " (PMC_SECURITY_MAX_TOKEN_LIFETIME_" + role.toUpperCase(java.util.Locale.ROOT) + " sets the maximum, for bin/pmc and the services alike)");
        }
        out.println(token);
        err.println("pmc token: " + role + " token for " + subject + ", valid " + (ttl.toDays() >= 1 ? ttl.toDays() + " days" : ttl.toMinutes() + " minutes") + "; send as 'Authorization: Bearer TOKEN'");
        return 0;
    }
}
