package io.agnes.web;

import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Agnes' persistence unit described in code, handed straight to the JPA provider.
 *
 * <p>Why not persistence.xml or JPA 3.2's {@code PersistenceConfiguration}: the JDBC URL is a runtime
 * setting, and the EclipseLink build inside Payara 7.2025.1 fails to bootstrap a
 * {@code PersistenceConfiguration} inside a WAR ("zip END header not found" while scanning). The SPI
 * path lists the entity classes and scans nothing.
 */
record PersistenceUnit(List<Class<?>> entities, ClassLoader classLoader, URL root) implements PersistenceUnitInfo {

    @Override
    public String getPersistenceUnitName() {
        return "agnes";
    }

    @Override
    public String getPersistenceProviderClassName() {
        return null;
    }

    @Override
    public String getScopeAnnotationName() {
        return null;
    }

    @Override
    public List<String> getQualifierAnnotationNames() {
        return List.of();
    }

    @Override
    @SuppressWarnings("deprecation")
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
        return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return null;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    @Override
    public URL getPersistenceUnitRootUrl() {
        return root;
    }

    @Override
    public List<String> getManagedClassNames() {
        return entities.stream().map(Class::getName).toList();
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.UNSPECIFIED;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return new Properties();
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.2";
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // no weaving: entities are used as plain classes
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return classLoader;
    }
}
