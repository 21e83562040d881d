package io.agnes.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code da query "SQL"}: runs read-only SQL on the server ({@code POST /api/query}) and prints the result. */
@Command(name = "query", description = "Run SQL against the synced data and print the result.")
final class QueryCommand implements Callable<Integer> {

    enum Format { TABLE, CSV, JSON }

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Parameters(index = "0", paramLabel = "SQL", description = "The SQL, quoted as one argument.")
    String sql;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (aligned columns, the default), csv (RFC 4180) or json (the server's answer as is).")
    Format format;

    @Option(names = "--limit", paramLabel = "N", description = "Return at most N rows (the server caps it too).")
    Integer limit;

    private final CliEnvironment environment;

    QueryCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit <= 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be a positive number of rows, not " + limit + ".");
        }
        if (sql.isBlank()) {
            throw new ParameterException(spec.commandLine(), "The SQL is empty.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sql", sql);
        if (limit != null) {
            body.put("limit", limit);
        }
        try (AgnesApi api = Da.api(environment)) {
            AgnesApi.Reply reply = api.post("/api/query", body);
            QueryResult result = QueryResult.from(reply.json());
            switch (format) {
                case TABLE -> {
                    environment.out().print(result.table());
                    environment.out().println(result.summary());
                }
                case CSV -> {
                    environment.out().print(result.csv());
                    if (result.truncated()) {
                        environment.err().println("Note: the result was truncated after " + result.rows().size() + " rows; raise --limit for more.");
                    }
                }
                case JSON -> {
                    String raw = reply.body();
                    environment.out().print(raw.endsWith("\n") ? raw : raw + "\n");
                }
            }
            return 0;
        }
    }
}
