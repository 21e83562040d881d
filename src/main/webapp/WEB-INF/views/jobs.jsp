<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Scheduled jobs" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Scheduled jobs</h1>
<c:if test="${!schedulerOn}">
  <p class="alert error">The scheduler is off: set <code>AGNES_SCHEDULER_SECRET</code> (at least 32 characters) to run these jobs.</p>
</c:if>
<table class="list">
  <thead><tr><th>Job</th><th>Call</th><th>Every</th></tr></thead>
  <tbody>
  <c:forEach items="${jobs}" var="j">
    <tr><td><c:out value="${j.id}"/></td><td><code><c:out value="${j.method} ${j.path}"/></code></td><td><c:out value="${j.every}"/></td></tr>
  </c:forEach>
  </tbody>
</table>
<h2>Recent runs</h2>
<table class="list" id="job-runs">
  <thead><tr><th>Started</th><th>Job</th><th>Outcome</th><th>Attempt</th><th>HTTP</th><th>Duration</th><th>Error</th></tr></thead>
  <tbody>
  <c:forEach items="${runs}" var="r">
    <tr class="outcome-${r.outcome}">
      <td><c:out value="${r.startedAt}"/></td>
      <td><c:out value="${r.job}"/></td>
      <td><c:out value="${r.outcome}"/></td>
      <td><c:out value="${r.attempt}"/></td>
      <td><c:out value="${r.httpStatus}"/></td>
      <td><c:out value="${r.durationMs}"/> ms</td>
      <td><c:out value="${r.error}"/></td>
    </tr>
  </c:forEach>
  <c:if test="${empty runs}"><tr><td colspan="7" class="muted">No runs yet.</td></tr></c:if>
  </tbody>
</table>
<%@ include file="layout/bottom.jspf" %>
