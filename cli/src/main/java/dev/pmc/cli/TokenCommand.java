package dev.pmc.cli;

import dev.pmc.stack.LocalSecurity;

import dev.pmc.stack.ServiceProcess;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code pmc token [--role reader|admin] [--ttl 30d] [--subject NAME]}: prints a new bearer token for the local stack,
 * signed with its key (.pmc/security), for a dashboard, a colleague or a script. Roles: reader (every GET of /api) or
 * admin (everything).
 */
final class TokenCommand {
    private TokenCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String role = Main.option(args, "--role", "reader");
        if (!role.equals("reader") && !role.equals("admin")) throw new Main.UsageException("--role must be reader or admin");
        java.time.Duration ttl = dev.pmc.core.targets.Intervals.parse(Main.option(args, "--ttl", "30d"));
        String subject = Main.option(args, "--subject", "local-" + role);
        if (!dev.pmc.core.Names.TARGET.matcher(subject).matches()) throw new Main.UsageException("--subject must match " + dev.pmc.core.Names.TARGET);
        LocalSecurity s = LocalSecurity.ensure(ServiceProcess.projectRoot().resolve(".pmc"));
        String token;
        try {
            token = s.mint(subject, role.equals("admin") ? Set.of("admin", "reader") : Set.of("reader"), ttl);
        } catch (IllegalArgumentException tooLong) {
            throw new Main.UsageException("--ttl " + Main.option(args, "--ttl", "30d") + ": " + tooLong.getMessage()
                    + " (PMC_SECURITY_MAX_TOKEN_LIFETIME_" + role.toUpperCase(java.util.Locale.ROOT) + " sets the maximum, for bin/pmc and the services alike)");
        }
        out.println(token);
        err.println("pmc token: " + role + " token for " + subject + ", valid " + (ttl.toDays() >= 1 ? ttl.toDays() + " days" : ttl.toMinutes() + " minutes") + "; send as 'Authorization: Bearer TOKEN'");
        return 0;
    }
}
