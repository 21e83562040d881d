package io.agnes.web;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.interceptor.Interceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.spi.PersistenceProvider;
import jakarta.persistence.spi.PersistenceProviderResolverHolder;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Agnes' relational database (users, tokens, sync and job history) through JPA.
 *
 * <p>The persistence unit is built in code ({@link PersistenceUnit}) rather than declared in
 * persistence.xml, because its JDBC URL is a runtime setting: an embedded H2 file under
 * {@code AGNES_DATA_DIR} by default, any JDBC URL by configuration. The schema is created and extended
 * (never dropped) at start.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    @Inject
    Settings settings;

    /** The entity classes of every feature: a new entity is listed here. */
    static final List<Class<?>> ENTITIES = List.of(
            io.agnes.auth.UserAccount.class,
            io.agnes.auth.AccessToken.class,
            io.agnes.scheduler.JobRun.class,
            io.agnes.sources.SourceState.class,
            io.agnes.sources.SyncHistoryEntry.class,
            io.agnes.sources.TableNote.class);

    private volatile EntityManagerFactory factory;

    /** A database outside the container (unit tests, tools): CDI normally injects the settings. */
    public static Database using(Settings settings) {
        Database database = new Database();
        database.settings = settings;
        return database;
    }

    /** Opens the database before any other start-up work, so a wrong URL fails the start loudly. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) Startup startup) {
        open();
    }

    /** Opens the database (creating the schema), once. */
    public synchronized void open() {
        if (factory != null) {
            return;
        }
        String url = jdbcUrl();
        Map<String, Object> properties = new HashMap<>();
        properties.put("jakarta.persistence.jdbc.url", url);
        properties.put("jakarta.persistence.jdbc.user", settings.string(Setting.AGNES_DATABASE_USER));
        properties.put("jakarta.persistence.jdbc.password", settings.string(Setting.AGNES_DATABASE_PASSWORD));
        String driver = driverFor(url);
        if (driver != null) {
            properties.put("jakarta.persistence.jdbc.driver", driver);
        }
        // additive schema changes only: new tables and columns appear, nothing is ever dropped
        properties.put("eclipselink.ddl-generation", "create-or-extend-tables");
        properties.put("eclipselink.ddl-generation.output-mode", "database");
        properties.put("eclipselink.weaving", "false");
        properties.put("eclipselink.logging.level", "WARNING");
        properties.put("eclipselink.logging.level.sql", "OFF");
        ClassLoader loader = Database.class.getClassLoader();
        URL root = classesRoot(loader);
        PersistenceProvider provider = PersistenceProviderResolverHolder.getPersistenceProviderResolver()
                .getPersistenceProviders().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("No JPA provider is available"));
        factory = provider.createContainerEntityManagerFactory(new PersistenceUnit(ENTITIES, loader, root), properties);
        // touch the database now so a wrong URL fails at start, loudly, not at the first login
        read(em -> em.createNativeQuery("SELECT 1").getSingleResult());
        LOG.info(() -> "Database ready at " + redact(url));
    }

    /** Runs {@code work} in a transaction and returns its result; rolls back when it throws. */
    public <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = factory().createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    /** Runs {@code work} in a transaction; rolls back when it throws. */
    public void runInTransaction(Consumer<EntityManager> work) {
        inTransaction(em -> {
            work.accept(em);
            return null;
        });
    }

    /** Runs {@code work} without a transaction (reads). */
    public <T> T read(Function<EntityManager, T> work) {
        EntityManager em = factory().createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    /** Whether the database answers a trivial query right now. */
    public boolean isReachable() {
        try {
            read(em -> em.createNativeQuery("SELECT 1").getSingleResult());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @PreDestroy
    synchronized void close() {
        if (factory != null) {
            factory.close();
            factory = null;
        }
    }

    private EntityManagerFactory factory() {
        EntityManagerFactory current = factory;
        if (current == null) {
            open();
            current = factory;
        }
        return current;
    }

    /** WEB-INF/classes as a directory URL (the code source of a class in Payara is not one). */
    private static URL classesRoot(ClassLoader loader) {
        URL marker = loader.getResource("agnes-build.properties");
        if (marker == null) {
            throw new IllegalStateException("agnes-build.properties is missing from the classpath");
        }
        String url = marker.toExternalForm();
        try {
            return java.net.URI.create(url.substring(0, url.length() - "agnes-build.properties".length())).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    String jdbcUrl() {
        String configured = settings.string(Setting.AGNES_DATABASE_URL);
        if (!configured.isEmpty()) {
            return configured;
        }
        Path dir = dataDir();
        return "jdbc:h2:file:" + dir.resolve("agnes").toAbsolutePath().normalize() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The data directory, created when missing. */
    public Path dataDir() {
        Path dir = Path.of(settings.string(Setting.AGNES_DATA_DIR)).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot create AGNES_DATA_DIR " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    static String driverFor(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        return null;
    }

    /** A JDBC URL without credentials that may be embedded in it, for logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***").replaceAll("//[^/@]*@", "//***@");
    }
}
