<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Sync history" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Sync history</h1>
<div class="card sync-now-card">
  <p id="last-sync" class="sync-state">
    <c:choose>
      <c:when test="${sync.running}">Sync <span class="status status-running">running</span> <c:out value="${sync.runningText}"/></c:when>
      <c:otherwise>No sync is running.</c:otherwise>
    </c:choose>
  </p>
  <div class="sync-control">
    <button type="button" id="sync-now" data-running="${sync.running}">Sync now</button>
    <span id="sync-progress" class="muted" aria-live="polite"></span>
  </div>
</div>
<p class="muted">The newest <c:out value="${historyLines}"/> history lines, grouped by run, newest first. Times are UTC.</p>
<div class="table-scroll">
  <table class="list" id="sync-history">
    <thead><tr><th>Source</th><th>Status</th><th>Rows</th><th>Duration</th><th>Error</th></tr></thead>
    <c:forEach items="${runs}" var="run">
      <tbody class="sync-run" data-run-id="<c:out value='${run.runId}'/>">
        <tr class="run-head">
          <th colspan="5">
            <c:out value="${run.startedAt}"/> · <c:out value="${run.scope}"/> ·
            <span class="status status-<c:out value='${run.status}'/>"><c:out value="${run.status}"/></span>
            · <span class="muted"><c:out value="${run.summary}"/></span>
            <c:if test="${run.timed}"> · <c:out value="${run.duration}"/></c:if>
          </th>
        </tr>
        <c:forEach items="${run.lines}" var="line">
          <tr class="sync-line outcome-<c:out value='${line.status}'/>">
            <td><c:out value="${line.source}"/></td>
            <td><span class="status status-<c:out value='${line.status}'/>"><c:out value="${line.status}"/></span></td>
            <td class="num"><c:out value="${line.rows}"/></td>
            <td class="nowrap"><c:out value="${line.duration}"/></td>
            <td class="error-text"><c:out value="${line.error}"/></td>
          </tr>
        </c:forEach>
      </tbody>
    </c:forEach>
    <c:if test="${empty runs}"><tbody><tr><td colspan="5" class="muted" id="no-sync-history">No sync has run yet.</td></tr></tbody></c:if>
  </table>
</div>
<script src="${mvc.basePath}/static/dashboard.js" defer></script>
<%@ include file="layout/bottom.jspf" %>
