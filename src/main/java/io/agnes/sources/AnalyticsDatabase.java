package io.agnes.sources;

import static io.agnes.sources.SourceExtractor.quoteIdentifier;
import static io.agnes.sources.SourceExtractor.quoteLiteral;

import io.agnes.web.Database;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.duckdb.DuckDBConnection;

/**
 * The current master analytics database, as every reader sees it.
 *
 * <p>The pointer is a small file {@code analytics/current} naming the master; a rebuild writes a new
 * master and {@link #install}s it, which atomically swaps the pointer. Readers take a {@link Lease}:
 * a connection to the master that was current when they asked, valid until they close it even if a
 * new master is installed meanwhile. A replaced master is closed and deleted when its last lease
 * ends.
 *
 * <p>Each master is opened once, read-only, with its extracts attached read-only, and then locked
 * down: {@code enable_external_access=false} (no files, URLs or extensions) and
 * {@code lock_configuration=true} (no way back). Leases are cheap duplicates of that connection.
 */
@ApplicationScoped
public class AnalyticsDatabase {

    private static final Logger LOG = Logger.getLogger(AnalyticsDatabase.class.getName());
    static final String POINTER = "current";

    @Inject
    Database database;

    private Path directory;
    private boolean pointerRead;
    private Generation current;
    /** Replaced masters that queries still read. */
    private final Set<Generation> retired = new HashSet<>();

    /** For CDI. */
    protected AnalyticsDatabase() {
    }

    /** Outside the container: masters live in {@code dataDir/analytics}. */
    public AnalyticsDatabase(Path dataDir) {
        this.directory = dataDir.resolve("analytics");
    }

    @PostConstruct
    void init() {
        directory = database.dataDir().resolve("analytics");
    }

    /** The directory holding the masters and the pointer file. */
    public synchronized Path directory() {
        return directory;
    }

    /** The file of the current master, if one was ever installed. */
    public synchronized Optional<Path> currentMaster() {
        return Optional.ofNullable(loaded()).map(Generation::file);
    }

    /**
     * A read-only connection to the current master; close it (try-with-resources) when done.
     *
     * @throws NoDataYetException when no master was built yet
     */
    public Lease open() {
        Generation generation;
        synchronized (this) {
            generation = loaded();
            if (generation == null) {
                throw new NoDataYetException();
            }
            generation.leases++;
        }
        try {
            return new Lease(generation, generation.connect());
        } catch (SQLException | RuntimeException e) {
            release(generation);
            throw new IllegalStateException("Cannot open the analytics database " + generation.file + ": "
                    + SourceExtractor.firstLine(e.getMessage()), e);
        }
    }

    /** Makes {@code master} (a file in {@link #directory()}) the current master; the previous one retires. */
    synchronized void install(Path master) throws IOException {
        Generation previous = loaded();
        Path pointer = directory.resolve(POINTER);
        Path temp = directory.resolve(POINTER + ".tmp");
        Files.writeString(temp, master.getFileName().toString(), StandardCharsets.UTF_8);
        Files.move(temp, pointer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        current = new Generation(master.toAbsolutePath());
        if (previous != null) {
            previous.retired = true;
            retired.add(previous);
            closeIfUnused(previous);
        }
        deleteStaleMasters();
    }

    /** Closes every open master (application stop). */
    @PreDestroy
    public synchronized void close() {
        if (current != null) {
            current.closeQuietly();
        }
        retired.forEach(Generation::closeQuietly);
    }

    /** The current generation, read from the pointer file the first time. */
    private Generation loaded() {
        if (pointerRead) {
            return current;
        }
        pointerRead = true;
        Path pointer = directory.resolve(POINTER);
        try {
            if (Files.isRegularFile(pointer)) {
                Path master = directory.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
                if (Files.isRegularFile(master)) {
                    current = new Generation(master.toAbsolutePath());
                } else {
                    LOG.warning(() -> "The analytics pointer names " + master + ", which does not exist: run a sync");
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot read the analytics pointer " + pointer, e);
        }
        return current;
    }

    /** Masters neither current nor still read are leftovers, for example of a build cut short by a restart. */
    private void deleteStaleMasters() {
        Set<Path> inUse = new HashSet<>();
        inUse.add(current.file);
        retired.forEach(g -> inUse.add(g.file));
        try (DirectoryStream<Path> masters = Files.newDirectoryStream(directory, "master-*.duckdb")) {
            for (Path master : masters) {
                if (!inUse.contains(master.toAbsolutePath())) {
                    SourceExtractor.deleteDatabaseFile(master);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot clean up old masters in " + directory, e);
        }
    }

    private synchronized void release(Generation generation) {
        generation.leases--;
        closeIfUnused(generation);
    }

    private void closeIfUnused(Generation generation) {
        if (generation.retired && generation.leases == 0) {
            retired.remove(generation);
            generation.closeQuietly();
            try {
                SourceExtractor.deleteDatabaseFile(generation.file);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Cannot delete the replaced master " + generation.file, e);
            }
        }
    }

    /** One master file and its shared read-only database, opened at the first lease. */
    private static final class Generation {
        private final Path file;
        private int leases;
        private boolean retired;
        private DuckDBConnection root;

        Generation(Path file) {
            this.file = file;
        }

        Path file() {
            return file;
        }

        synchronized Connection connect() throws SQLException {
            if (root == null) {
                root = openLockedDown();
            }
            return root.duplicate();
        }

        private DuckDBConnection openLockedDown() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("duckdb.read_only", "true");
            // rows are pulled as the reader needs them, so a row cap does not materialise the whole result
            properties.setProperty("jdbc_stream_results", "true");
            DuckDBConnection connection = DuckDb.open(file, properties);
            try (Statement statement = connection.createStatement()) {
                Map<String, String> extracts = new LinkedHashMap<>();
                try (ResultSet rs = statement.executeQuery("SELECT source, extract FROM " + MasterBuilder.SOURCES_TABLE)) {
                    while (rs.next()) {
                        extracts.put(rs.getString(1), rs.getString(2));
                    }
                }
                for (Map.Entry<String, String> extract : extracts.entrySet()) {
                    Path path = file.getParent().resolve(extract.getValue()).normalize();
                    if (!Files.isRegularFile(path)) {
                        LOG.warning(() -> "The extract of source " + extract.getKey() + " is missing (" + path
                                + "): its tables cannot be read until the next sync");
                        continue;
                    }
                    statement.execute("ATTACH " + quoteLiteral(path.toString()) + " AS " + quoteIdentifier(extract.getKey())
                            + " (READ_ONLY)");
                }
                // after the attachments, which need file access: from now on no SQL can reach a file or URL
                statement.execute("SET enable_external_access = false");
                statement.execute("SET lock_configuration = true");
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return connection;
        }

        synchronized void closeQuietly() {
            if (root != null) {
                try {
                    root.close();
                } catch (SQLException e) {
                    LOG.log(Level.FINE, "Closing " + file, e);
                }
                root = null;
            }
        }
    }

    /** A read-only connection to one master; closing it ends the lease. */
    public final class Lease implements AutoCloseable {
        private final Generation generation;
        private final Connection connection;
        private boolean closed;

        private Lease(Generation generation, Connection connection) {
            this.generation = generation;
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        /** The master file this lease reads. */
        public Path master() {
            return generation.file;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.FINE, "Closing a connection to " + generation.file, e);
            } finally {
                release(generation);
            }
        }
    }
}
