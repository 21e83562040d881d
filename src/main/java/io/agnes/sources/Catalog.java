package io.agnes.sources;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/** The tables users can query: columns, row counts, descriptions and tags. */
@ApplicationScoped
public class Catalog {

    private static final Logger LOG = Logger.getLogger(Catalog.class.getName());
    static final int MAX_TAGS = 20;
    static final int MAX_TAG_LENGTH = 40;

    @Inject
    AnalyticsDatabase analytics;

    @Inject
    DeclaredSources sources;

    @Inject
    SyncLedger ledger;

    /** For CDI. */
    protected Catalog() {
    }

    public Catalog(AnalyticsDatabase analytics, DeclaredSources sources, SyncLedger ledger) {
        this.analytics = analytics;
        this.sources = sources;
        this.ledger = ledger;
    }

    /**
     * Every table of the current analytics database, by name.
     *
     * @throws NoDataYetException when no sync has succeeded yet
     */
    public List<CatalogTable> tables() {
        Map<String, String> declared = declaredDescriptions();
        Map<String, TableNote> notes = ledger.notes();
        List<CatalogTable> tables = new ArrayList<>();
        try (AnalyticsDatabase.Lease lease = analytics.open(); Statement statement = lease.connection().createStatement()) {
            Map<String, List<CatalogTable.Column>> columns = new HashMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT table_name, column_name, data_type FROM information_schema.columns"
                    + " WHERE table_catalog = current_database() AND table_schema = 'main'"
                    + " ORDER BY table_name, ordinal_position")) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new CatalogTable.Column(rs.getString(2), rs.getString(3)));
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT table_name, source, row_count FROM "
                    + MasterBuilder.TABLES_TABLE + " ORDER BY table_name")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    TableNote note = notes.get(name);
                    String fromFile = declared.get(name);
                    String description = note != null && note.getDescription() != null ? note.getDescription() : fromFile;
                    tables.add(new CatalogTable(name, rs.getString(2), description, fromFile,
                            note == null ? List.of() : note.getTags(), rs.getLong(3),
                            note == null ? null : note.getUpdatedAt(), columns.getOrDefault(name, List.of())));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the catalog: " + SourceExtractor.firstLine(e.getMessage()), e);
        }
        return tables;
    }

    /**
     * One table.
     *
     * @throws UnknownTableException no such table in the current analytics database
     * @throws NoDataYetException    when no sync has succeeded yet
     */
    public CatalogTable table(String name) {
        return tables().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownTableException(name));
    }

    /**
     * Stores a description and tags for a table (replacing earlier ones). Tags are trimmed,
     * lower-cased and de-duplicated; blank ones are dropped.
     *
     * @param description null or blank removes the stored description
     * @throws UnknownTableException    no such table in the current analytics database
     * @throws IllegalArgumentException more than 20 tags, a tag longer than 40 characters or containing a comma
     */
    public CatalogTable describe(String table, String description, List<String> tags) {
        table(table);
        LinkedHashSet<String> clean = new LinkedHashSet<>();
        for (String tag : tags == null ? List.<String>of() : tags) {
            String t = tag == null ? "" : tag.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            if (t.length() > MAX_TAG_LENGTH || t.contains(",")) {
                throw new IllegalArgumentException("Tag \"" + t + "\": expected at most " + MAX_TAG_LENGTH
                        + " characters and no comma");
            }
            clean.add(t);
        }
        if (clean.size() > MAX_TAGS) {
            throw new IllegalArgumentException("Expected at most " + MAX_TAGS + " tags, got " + clean.size());
        }
        String text = description == null || description.isBlank() ? null : description.trim();
        ledger.saveNote(table, text, List.copyOf(clean));
        return table(table);
    }

    /** Table descriptions from the sources file; none when the file is unusable right now. */
    private Map<String, String> declaredDescriptions() {
        Map<String, String> descriptions = new LinkedHashMap<>();
        try {
            for (Source source : sources.load()) {
                for (SourceTable table : source.tables()) {
                    Optional.ofNullable(table.description()).ifPresent(d -> descriptions.put(table.name(), d));
                }
            }
        } catch (InvalidSourcesException e) {
            LOG.fine(() -> "Catalog without descriptions from the sources file: " + e.getMessage());
        }
        return descriptions;
    }
}
