<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Query" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Query the data</h1>
<c:if test="${noData}"><p class="alert info" id="query-no-data">No data yet — an admin can run a sync.</p></c:if>

<c:if test="${askEnabled}">
<section class="card query-card" id="ask-section">
  <h2>Ask a question</h2>
  <form id="ask-form" class="query-form" autocomplete="off">
    <fieldset<c:if test="${!llmConfigured}"> disabled</c:if>>
      <label for="question" class="visually-hidden">Question</label>
      <div class="ask-row">
        <input id="question" name="question" maxlength="2000" required placeholder="Which products sold best last month?">
        <button type="submit" id="ask-button">Ask</button>
      </div>
    </fieldset>
    <c:if test="${!llmConfigured}">
      <p class="muted" id="ask-disabled">Asking in plain language needs an AI model, and none is set up on this server.
        <c:out value="${llmReason}"/> You can still write SQL below.</p>
    </c:if>
  </form>
</section>
</c:if>

<section class="card query-card">
  <h2>SQL</h2>
  <form id="sql-form" class="query-form" autocomplete="off">
    <label for="sql" class="visually-hidden">SQL</label>
    <textarea id="sql" name="sql" rows="6" spellcheck="false" required placeholder="SELECT * FROM orders LIMIT 10"></textarea>
    <div class="form-row">
      <label class="limit">Row limit (at most <c:out value="${maxRows}"/>)
        <input id="limit" name="limit" type="number" min="1" max="${maxRows}" placeholder="${maxRows}">
      </label>
      <button type="submit" id="run-sql">Run</button>
      <span class="muted">Ctrl+Enter runs the query. Only read queries (SELECT, WITH, DESCRIBE, …) are allowed.</span>
    </div>
  </form>
  <c:if test="${not empty tableNames}">
    <p class="table-chips" id="query-tables"><span class="muted">Tables:</span>
      <c:forEach items="${tableNames}" var="name">
        <button type="button" class="chip" data-sql="SELECT * FROM <c:out value='${name}'/> LIMIT 100"><c:out value="${name}"/></button>
      </c:forEach>
      <a href="${mvc.basePath}/catalog">catalog</a>
    </p>
  </c:if>
</section>

<section id="query-output" class="query-output" aria-live="polite">
  <p id="query-status" class="muted" hidden></p>
</section>
<script src="${mvc.basePath}/static/query.js" defer></script>
<%@ include file="layout/bottom.jspf" %>
