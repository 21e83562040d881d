package io.agnes.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Settings read through MicroProfile Config: environment, system properties, JNDI, in Payara's order. */
@ApplicationScoped
public class SettingsProducer {

    @Produces
    @Singleton
    Settings settings() {
        Config config = ConfigProvider.getConfig();
        return new Settings(key -> config.getOptionalValue(key, String.class));
    }
}
