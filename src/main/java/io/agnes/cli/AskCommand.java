package io.agnes.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code da ask "question"}: the AI writes and runs the SQL ({@code POST /api/ask}); shows why, the SQL, and the rows. */
@Command(name = "ask", description = "Ask a question in plain language; Agnes writes the SQL, runs it and explains it.")
final class AskCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "The question; quotes are optional.")
    List<String> words;

    private final CliEnvironment environment;

    AskCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        String question = String.join(" ", words).trim();
        if (question.isEmpty()) {
            throw new CliError("The question is empty.", "Try: da ask \"How many orders came in last week?\"");
        }
        try (AgnesApi api = Da.api(environment)) {
            Map<String, Object> answer = api.post("/api/ask", Map.of("question", question)).json();
            QueryResult result = QueryResult.from(answer);
            String explanation = Json.text(answer, "explanation");
            String sql = Json.text(answer, "sql");
            if (explanation != null && !explanation.isBlank()) {
                environment.out().println(explanation.strip());
                environment.out().println();
            }
            if (sql != null && !sql.isBlank()) {
                environment.out().println("SQL:");
                sql.strip().lines().forEach(line -> environment.out().println("  " + line));
                environment.out().println();
            }
            environment.out().print(result.table());
            environment.out().println(result.summary());
            return 0;
        }
    }
}
