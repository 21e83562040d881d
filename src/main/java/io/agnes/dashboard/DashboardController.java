package io.agnes.dashboard;

import jakarta.enterprise.context.RequestScoped;
import jakarta.mvc.Controller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** The start page after signing in. */
@Controller
@RequestScoped
@Path("")
public class DashboardController {

    @GET
    public String dashboard() {
        return "dashboard.jsp";
    }

    /** A standalone page with its own layout: what Agnes is and how to use it. */
    @GET
    @Path("help")
    public String help() {
        return "help.jsp";
    }
}
