package io.agnes.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code da tables}: the catalog of tables you can query. */
@Command(name = "tables", description = "List the tables in the catalog, the ones `da query` and `da ask` can use.")
final class TablesCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    private final CliEnvironment environment;

    TablesCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        try (AgnesApi api = Da.api(environment)) {
            List<Map<String, Object>> tables = Listing.items(api.get("/api/catalog").jsonValue(), "tables");
            environment.out().print(tables.isEmpty() ? "The catalog is empty: run `da sync` to load the sources.\n" : Listing.render(tables));
            return 0;
        }
    }
}
