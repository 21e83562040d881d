package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /debug/throw?kind=...&msg=...}: the page-side twin of {@link DebugResource}, failing in a plain
 * servlet (outside JAX-RS) so the servlet-level 500 path can be checked. Same gates: signed in, then DEBUG.
 */
@WebServlet(urlPatterns = "/debug/throw")
public class DebugPageServlet extends HttpServlet {

    @Inject
    Settings settings;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.flag(Setting.DEBUG)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        throw DebugErrors.of(request.getParameter("kind"), request.getParameter("msg"));
    }
}
