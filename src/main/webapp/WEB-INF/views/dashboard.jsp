<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Dashboard" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Welcome, <c:out value="${currentUser.user.displayName}"/></h1>
<section class="cards">
  <article class="card" id="explore-card">
    <h2>Explore the data</h2>
    <p><a href="${mvc.basePath}/catalog" id="catalog-link">Browse the catalog</a>: every table, its columns and what it holds.</p>
    <p><a href="${mvc.basePath}/query" id="query-link">Query</a> with SQL, or ask a question in plain language.</p>
  </article>
  <article class="card">
    <h2>Your account</h2>
    <p><c:out value="${currentUser.user.email}"/><c:if test="${currentUser.admin}"> · admin</c:if></p>
    <p><a href="${mvc.basePath}/tokens">Create an access token</a> for the <code>da</code> command-line client or the API.</p>
  </article>
</section>

<section class="card data-card" id="data-card">
  <div class="card-head">
    <h2>Data sources</h2>
    <c:if test="${currentUser.admin}">
      <div class="sync-control">
        <button type="button" id="sync-now" data-running="${sync.running}">Sync now</button>
        <span id="sync-progress" class="muted" aria-live="polite"></span>
      </div>
    </c:if>
  </div>
  <p id="last-sync" class="sync-state">
    <c:choose>
      <c:when test="${sync.running}">Sync <span class="status status-running">running</span> <c:out value="${sync.runningText}"/></c:when>
      <c:when test="${sync.lastRun != null}">Last sync: <span class="status status-<c:out value='${sync.lastRun.status}'/>"><c:out value="${sync.lastRun.status}"/></span>
        started <c:out value="${sync.lastRun.startedAt}"/> · <c:out value="${sync.lastRun.summary}"/></c:when>
      <c:otherwise><span class="muted">No sync has run yet.</span></c:otherwise>
    </c:choose>
    <c:if test="${currentUser.admin}"> · <a href="${mvc.basePath}/admin/sync">history</a></c:if>
  </p>
  <c:if test="${not empty sourcesError}">
    <%-- the message names the file's path and every problem: for the admins who can fix it --%>
    <p class="alert error" id="sources-error" role="alert"><c:choose>
      <c:when test="${currentUser.admin}"><c:out value="${sourcesError}"/></c:when>
      <c:otherwise>The sources file has errors, so the sources cannot be shown; an admin has to fix it. The data of the last good sync can still be queried.</c:otherwise>
    </c:choose></p>
  </c:if>
  <c:if test="${sampleSources && empty sourcesError}"><p class="muted" id="sample-note">Using the sample data that ships with Agnes until an admin declares sources of their own.</p></c:if>
  <c:if test="${empty sourcesError}">
    <div class="table-scroll">
      <table class="list" id="sources">
        <thead><tr><th>Source</th><th>Kind</th><th>Tables</th><th>Last status</th><th>Last success</th><th>Rows</th><th>Last error</th></tr></thead>
        <tbody>
        <c:forEach items="${sources}" var="s">
          <tr id="source-<c:out value='${s.name}'/>">
            <td><strong><c:out value="${s.name}"/></strong><c:if test="${not empty s.description}"><br><span class="muted"><c:out value="${s.description}"/></span></c:if></td>
            <td><c:out value="${s.kind}"/></td>
            <td><c:out value="${s.tableCount}"/></td>
            <td><span class="status status-<c:out value='${s.statusClass}'/>"><c:out value="${s.lastStatus}"/></span></td>
            <td class="nowrap"><c:out value="${s.lastSuccess}"/></td>
            <td class="num"><c:out value="${s.rows}"/></td>
            <td class="error-text"><c:out value="${s.lastError}"/></td>
          </tr>
        </c:forEach>
        <c:if test="${empty sources}"><tr><td colspan="7" class="muted">No sources are declared.</td></tr></c:if>
        </tbody>
      </table>
    </div>
  </c:if>
</section>
<script src="${mvc.basePath}/static/dashboard.js" defer></script>
<%@ include file="layout/bottom.jspf" %>
