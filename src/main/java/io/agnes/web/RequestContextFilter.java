package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Gives every request its id before anything else can log or fail, and echoes it to the caller. */
@WebFilter(filterName = "RequestContextFilter", asyncSupported = true)
public class RequestContextFilter extends HttpFilter {

    @Inject
    SelfAddress selfAddress;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader(RequestId.HEADER, RequestId.of(request));
        selfAddress.learnFrom(request);
        chain.doFilter(request, response);
    }
}
