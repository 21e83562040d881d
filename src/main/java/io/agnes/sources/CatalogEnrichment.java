package io.agnes.sources;

import io.agnes.llm.LlmClient;
import io.agnes.llm.LlmException;
import io.agnes.llm.TableDescription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The LLM job that describes the catalog: for each table a one-sentence description and a few tags, stored
 * with the table and shown in the catalog. One trace id covers the whole run.
 */
@ApplicationScoped
public class CatalogEnrichment {

    private static final Logger LOG = Logger.getLogger(CatalogEnrichment.class.getName());

    @Inject
    Catalog catalog;

    @Inject
    LlmClient llm;

    /** The outcome for one table: its new description and tags, or the error that stopped it. */
    public record TableOutcome(String table, String description, List<String> tags, String error) {
    }

    public record Report(String traceId, int described, int failed, List<TableOutcome> tables) {
    }

    /**
     * Describes every table. A table whose call fails is reported and the others go on; when the LLM itself
     * is unusable (not configured, bad credentials) the run stops with that exception.
     */
    public Report run() {
        if (!llm.configured()) {
            throw new LlmException.NotConfigured(llm.settings().notConfiguredReason());
        }
        String traceId = UUID.randomUUID().toString();
        List<TableOutcome> outcomes = new ArrayList<>();
        for (CatalogTable table : catalog.tables()) {
            try {
                TableDescription described = TableDescription.from(llm.structured(SYSTEM, prompt(table),
                        TableDescription.SCHEMA, traceId));
                catalog.describe(table.name(), described.description(), described.tags());
                outcomes.add(new TableOutcome(table.name(), described.description(), described.tags(), null));
            } catch (LlmException.NotConfigured | LlmException.AuthenticationFailed fatal) {
                throw fatal;
            } catch (RuntimeException e) {
                LOG.warning(() -> "Catalog enrichment of " + table.name() + " failed: " + e);
                outcomes.add(new TableOutcome(table.name(), null, List.of(), e instanceof LlmException l ? l.userMessage() : e.getMessage()));
            }
        }
        int failed = (int) outcomes.stream().filter(o -> o.error() != null).count();
        return new Report(traceId, outcomes.size() - failed, failed, outcomes);
    }

    static final String SYSTEM = """
            You document tables for business analysts. Given a table's name, source, columns and row count,
            write ONE plain sentence saying what a row represents and what the table is good for, and 2 to 5
            short lower-case tags (single words or hyphenated).""";

    static String prompt(CatalogTable table) {
        return "Table: " + table.name() + "\nSource: " + table.source() + "\nRows: " + table.rowCount()
                + (table.sourceDescription() == null ? "" : "\nOperator's note: " + table.sourceDescription())
                + "\nColumns: " + String.join(", ", table.columns().stream().map(c -> c.name() + " " + c.type()).toList());
    }
}
