package dev.edgetwin.runtime.cli;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code edgetwin status}: what the running daemon is doing, from its local admin API. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description =
                "The running daemon's state: frames, the serving model, installed models, the last"
                        + " probation (JSON from its admin API on 127.0.0.1).")
final class StatusCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin AdminClient admin;

    @Override
    public Integer call() throws Exception {
        Optional<AdminClient.Reply> reply = admin.call("GET", "/status", Map.of());
        if (reply.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "edgetwin status: no daemon answers on 127.0.0.1:%d (is `edgetwin run`"
                                    + " running, with that --admin-port?)%n",
                            admin.port);
            return 1;
        }
        spec.commandLine().getOut().println(reply.get().body());
        spec.commandLine().getOut().flush();
        return reply.get().status() == 200 ? 0 : 1;
    }
}
