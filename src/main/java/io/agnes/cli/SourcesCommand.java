package io.agnes.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code da sources}: the data sources the server syncs from. */
@Command(name = "sources", description = "List the data sources Agnes syncs from.")
final class SourcesCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    private final CliEnvironment environment;

    SourcesCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        try (AgnesApi api = Da.api(environment)) {
            List<Map<String, Object>> sources = Listing.items(api.get("/api/sources").jsonValue(), "sources");
            environment.out().print(sources.isEmpty() ? "No data sources are configured.\n" : Listing.render(sources));
            return 0;
        }
    }
}
