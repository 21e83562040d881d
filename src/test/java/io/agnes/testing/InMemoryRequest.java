package io.agnes.testing;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link HttpServletRequest} held in memory, paired with the {@link InMemoryResponse} the "container" answers
 * with ({@link #response()}). Headers are case-insensitive and multi-valued; attributes, dispatcher type and the
 * asynchronous cycle behave as the Servlet spec says:
 * <ul>
 *   <li>{@link #startAsync()} (the original request and response) and {@link #startAsync(ServletRequest,
 *       ServletResponse)} (wrappers) give an {@link InMemoryAsyncContext}; a second start in the same dispatch
 *       throws; a start in a later ASYNC dispatch begins a new cycle ({@code onStartAsync}, listeners must
 *       re-register);</li>
 *   <li>{@link #dispatch(DispatcherType, Dispatch)} runs one container dispatch and then does what the
 *       container does when it returns: a {@code complete()} called during the dispatch takes effect only now;
 *       an ASYNC or ERROR dispatch of an asynchronous request that did not start async again completes the cycle; a request that is not
 *       asynchronous and has no pending error page ends ({@link InMemoryResponse#complete()}).</li>
 * </ul>
 * Sessions, authentication, multipart, upgrade and the servlet context are not simulated (they throw
 * UnsupportedOperationException). Not thread-safe.
 */
public class InMemoryRequest implements HttpServletRequest {

    /** One dispatch's work, e.g. {@code () -> filter.doFilter(request, response, chain)}. */
    @FunctionalInterface
    public interface Dispatch {
        void run() throws IOException, ServletException;
    }

    private final InMemoryResponse response = new InMemoryResponse();
    private String method;
    private String requestURI;
    private String queryString;
    private String contextPath = "";
    private String servletPath = "";
    private String pathInfo;
    private final Map<String, List<String>> headers = new LinkedHashMap<>(); // lower-case name -> values
    private final Map<String, String> headerNames = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private DispatcherType dispatcherType = DispatcherType.REQUEST;
    private String characterEncoding;
    private byte[] content = new byte[0];
    private boolean readerUsed;
    private boolean streamUsed;
    private boolean asyncSupported = true;

    private InMemoryAsyncContext asyncContext;
    private boolean dispatching;
    private boolean asyncStartedInThisDispatch;

    public InMemoryRequest(String method, String uri) {
        this.method = method;
        int question = uri.indexOf('?');
        this.requestURI = question < 0 ? uri : uri.substring(0, question);
        this.queryString = question < 0 ? null : uri.substring(question + 1);
    }

    public static InMemoryRequest get(String uri) {
        return new InMemoryRequest("GET", uri);
    }

    /** The container's response to this request. */
    public InMemoryResponse response() {
        return response;
    }

    // --- set-up (fluent) ----------------------------------------------------------------------------------------

    /** Adds a header line; call again for more values of the same header. */
    public InMemoryRequest header(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        headerNames.putIfAbsent(key, name);
        headers.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        return this;
    }

    public InMemoryRequest method(String method) {
        this.method = method;
        return this;
    }

    public InMemoryRequest contextPath(String contextPath) {
        this.contextPath = contextPath;
        return this;
    }

    public InMemoryRequest servletPath(String servletPath, String pathInfo) {
        this.servletPath = servletPath;
        this.pathInfo = pathInfo;
        return this;
    }

    public InMemoryRequest content(byte[] content, String contentType) {
        this.content = content.clone();
        header("Content-Type", contentType);
        return this;
    }

    /** Whether every filter and the servlet of the current dispatch support async (default true). */
    public InMemoryRequest asyncSupported(boolean supported) {
        this.asyncSupported = supported;
        return this;
    }

    public void setDispatcherType(DispatcherType type) {
        this.dispatcherType = type;
    }

    // --- container behaviour ------------------------------------------------------------------------------------

    /**
     * Runs one dispatch of the given type, then applies what the container does once a dispatch returns. For an
     * ERROR dispatch the response is first made writable again ({@link InMemoryResponse#prepareErrorPage()} after
     * sendError, else a resetBuffer() if not committed); exceptions of {@code work} propagate unchanged.
     */
    public void dispatch(DispatcherType type, Dispatch work) throws IOException, ServletException {
        dispatcherType = type;
        if (type == DispatcherType.ERROR) {
            if (response.isErrorSent()) {
                response.prepareErrorPage();
            } else if (!response.isCommitted()) {
                response.resetBuffer();
            }
        }
        dispatching = true;
        asyncStartedInThisDispatch = false;
        try {
            work.run();
        } finally {
            dispatching = false;
        }
        if (asyncContext != null && asyncContext.completeRequested()) {
            asyncContext.completeNow();
        } else if (asyncStartedInThisDispatch) {
            return; // the request stays open until the application completes or dispatches
        } else if (type != DispatcherType.REQUEST && asyncContext != null && !asyncContext.isCompleted()) {
            // an ASYNC (or an async request's ERROR) dispatch returned without a new startAsync: the cycle ends
            asyncContext.completeNow();
        } else if (!(response.isErrorSent() && type != DispatcherType.ERROR)) {
            response.complete();
        }
    }

    boolean isDispatching() {
        return dispatching;
    }

    // --- async --------------------------------------------------------------------------------------------------

    @Override
    public AsyncContext startAsync() {
        return start(this, response, true);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return start(request, response, request == this && response == this.response);
    }

    private AsyncContext start(ServletRequest request, ServletResponse response, boolean original) {
        if (!asyncSupported) {
            throw new IllegalStateException("a filter or servlet of this dispatch does not support async");
        }
        if (asyncStartedInThisDispatch || (asyncContext != null && asyncContext.isStarted())) {
            throw new IllegalStateException("startAsync() called again before the cycle was dispatched or completed");
        }
        if (asyncContext == null || asyncContext.isCompleted()) {
            asyncContext = new InMemoryAsyncContext(this, request, response, original);
        } else {
            asyncContext.restart(request, response, original);
        }
        asyncStartedInThisDispatch = true;
        return asyncContext;
    }

    @Override
    public boolean isAsyncStarted() {
        return asyncContext != null && asyncContext.isStarted();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        if (asyncContext == null) {
            throw new IllegalStateException("the request is not in asynchronous mode");
        }
        return asyncContext;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return dispatcherType;
    }

    // --- request line and headers -------------------------------------------------------------------------------

    @Override
    public String getMethod() {
        return method;
    }

    @Override
    public String getRequestURI() {
        return requestURI;
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(getScheme()).append("://").append(getServerName()).append(':')
                .append(getServerPort()).append(requestURI);
    }

    @Override
    public String getQueryString() {
        return queryString;
    }

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public String getServletPath() {
        return servletPath;
    }

    @Override
    public String getPathInfo() {
        return pathInfo;
    }

    @Override
    public String getPathTranslated() {
        return null;
    }

    @Override
    public String getHeader(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.getFirst();
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(headerNames.values());
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public long getDateHeader(String name) {
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an HTTP date: " + value, e);
        }
    }

    @Override
    public Cookie[] getCookies() {
        List<Cookie> cookies = new ArrayList<>();
        for (String line : headers.getOrDefault("cookie", List.of())) {
            for (String pair : line.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    cookies.add(new Cookie(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim()));
                }
            }
        }
        return cookies.isEmpty() ? null : cookies.toArray(Cookie[]::new);
    }

    @Override
    public String getContentType() {
        return getHeader("Content-Type");
    }

    @Override
    public int getContentLength() {
        return content.length;
    }

    @Override
    public long getContentLengthLong() {
        return content.length;
    }

    @Override
    public String getCharacterEncoding() {
        return characterEncoding;
    }

    @Override
    public void setCharacterEncoding(String encoding) throws UnsupportedEncodingException {
        if (!Charset.isSupported(encoding)) {
            throw new UnsupportedEncodingException(encoding);
        }
        if (!readerUsed) {
            characterEncoding = encoding;
        }
    }

    @Override
    public ServletInputStream getInputStream() {
        if (readerUsed) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        streamUsed = true;
        ByteArrayInputStream in = new ByteArrayInputStream(content);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] bytes, int offset, int length) {
                return in.read(bytes, offset, length);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("non-blocking input is not simulated");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        if (streamUsed) {
            throw new IllegalStateException("getInputStream() has already been called for this request");
        }
        readerUsed = true;
        Charset charset = characterEncoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(characterEncoding);
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(content), charset));
    }

    // --- parameters (from the query string) ---------------------------------------------------------------------

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, List<String>> collected = new LinkedHashMap<>();
        if (queryString != null) {
            for (String pair : queryString.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                collected.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        collected.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public String getParameter(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        return getParameterMap().get(name);
    }

    // --- attributes ---------------------------------------------------------------------------------------------

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    // --- connection ---------------------------------------------------------------------------------------------

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public String getScheme() {
        return "http";
    }

    @Override
    public String getServerName() {
        return "localhost";
    }

    @Override
    public int getServerPort() {
        return 80;
    }

    @Override
    public String getRemoteAddr() {
        return "127.0.0.1";
    }

    @Override
    public String getRemoteHost() {
        return "localhost";
    }

    @Override
    public int getRemotePort() {
        return 50000;
    }

    @Override
    public String getLocalName() {
        return "localhost";
    }

    @Override
    public String getLocalAddr() {
        return "127.0.0.1";
    }

    @Override
    public int getLocalPort() {
        return 80;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public Locale getLocale() {
        return Locale.getDefault();
    }

    @Override
    public Enumeration<Locale> getLocales() {
        return Collections.enumeration(List.of(Locale.getDefault()));
    }

    @Override
    public String getRequestId() {
        return "in-memory-" + System.identityHashCode(this);
    }

    @Override
    public String getProtocolRequestId() {
        return "";
    }

    // --- security (nobody is authenticated) ---------------------------------------------------------------------

    @Override
    public String getAuthType() {
        return null;
    }

    @Override
    public String getRemoteUser() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    // --- not simulated ------------------------------------------------------------------------------------------

    @Override
    public ServletConnection getServletConnection() {
        throw notSimulated("getServletConnection");
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        throw notSimulated("getRequestDispatcher");
    }

    @Override
    public ServletContext getServletContext() {
        throw notSimulated("getServletContext");
    }

    @Override
    public String getRequestedSessionId() {
        return null;
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (create) {
            throw notSimulated("getSession(true)");
        }
        return null;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        throw new IllegalStateException("no session");
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return false;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    @Override
    public boolean authenticate(HttpServletResponse response) {
        throw notSimulated("authenticate");
    }

    @Override
    public void login(String username, String password) {
        throw notSimulated("login");
    }

    @Override
    public void logout() {
        throw notSimulated("logout");
    }

    @Override
    public Collection<Part> getParts() {
        throw notSimulated("getParts");
    }

    @Override
    public Part getPart(String name) {
        throw notSimulated("getPart");
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) {
        throw notSimulated("upgrade");
    }

    private static UnsupportedOperationException notSimulated(String method) {
        return new UnsupportedOperationException(method + " is not simulated by InMemoryRequest");
    }
}
