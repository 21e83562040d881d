package io.agnes.sources;

import io.agnes.web.ClientProblem;
import jakarta.ejb.ApplicationException;
import java.nio.file.Path;
import java.util.List;

/**
 * The sources file cannot be used: missing, not JSON, or declarations that break the rules. The
 * message lists every problem, each naming the source, the field and what is expected.
 */
@ApplicationException // reaches callers and interceptors as itself, not wrapped in an EJBException
public class InvalidSourcesException extends ClientProblem {

    private final transient Path file;
    private final List<String> problems;

    public InvalidSourcesException(Path file, List<String> problems) {
        super(409, "Invalid sources file " + file + ": " + String.join("; ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    public List<String> problems() {
        return problems;
    }
}
