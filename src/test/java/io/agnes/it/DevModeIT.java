package io.agnes.it;

import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.WebClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Agnes as a developer runs it: LOCAL_DEV_MODE and DEBUG on. */
@ExtendWith(ArquillianExtension.class)
class DevModeIT {

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AgnesDeployment.agnes()
                .setting("LOCAL_DEV_MODE", "1")
                .setting("DEBUG", "yes")
                .build();
    }

    @Test
    void everyRequestIsTheSeededDevAdmin() {
        WebClient anyone = new WebClient(url);
        JsonObject me = object(anyone.get("/api/me").body());
        assertThat(me.getString("email")).isEqualTo("dev@localhost");
        assertThat(me.getBoolean("admin")).isTrue();
        assertThat(me.getString("authenticated_via")).isEqualTo("dev_mode");
        HttpResponse<String> dashboard = anyone.get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Local developer").contains("/admin/users");
        assertThat(anyone.get("/admin/users").statusCode()).isEqualTo(200);
        assertThat(anyone.get("/login?next=%2Ftokens").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/tokens"));
    }

    @Test
    void apiErrorsCarryTheMessageOnlyBecauseDebugIsOn() {
        HttpResponse<String> failure = new WebClient(url).get("/api/debug/throw?kind=ValueError&msg=boom%20here",
                "X-Request-ID", "dbg-1");
        assertThat(failure.statusCode()).isEqualTo(500);
        JsonObject body = object(failure.body());
        assertThat(body.getString("detail")).isEqualTo("Internal server error");
        assertThat(body.getString("request_id")).isEqualTo("dbg-1");
        assertThat(body.getString("error")).isEqualTo("boom here");
        assertThat(failure.body()).doesNotContain("at io.agnes").doesNotContain("IllegalArgumentException");
    }

    @Test
    void errorsOutsideJaxRsEndInTheHtmlErrorPageWithTheRequestId() {
        HttpResponse<String> page = new WebClient(url).get("/debug/throw?kind=KeyError&msg=page%20broke",
                "X-Request-ID", "page-500");
        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("Something went wrong").contains("page-500")
                .doesNotContain("NoSuchElementException").doesNotContain("at io.agnes");
    }
}
