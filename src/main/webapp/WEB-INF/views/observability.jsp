<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Observability" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Observability</h1>
<p class="muted">PostHog product analytics, error tracking and LLM analytics. See docs/observability.md for every setting.</p>
<c:if test="${not empty sentEvent}">
  <c:choose>
    <c:when test="${empty sentJson}"><p class="alert error" id="sent-nothing">Nothing was sent: the integration is off.</p></c:when>
    <c:otherwise>
      <div class="alert success" id="sent">
        <p>Queued <code><c:out value="${sentEvent}"/></code> with these properties:</p>
        <pre class="sent-json"><c:out value="${sentJson}"/></pre>
      </div>
    </c:otherwise>
  </c:choose>
</c:if>
<section class="cards">
  <article class="card">
    <h2>Configuration</h2>
    <table class="list" id="observability-config">
      <c:forEach items="${config}" var="r"><tr><th><c:out value="${r.label}"/></th><td><c:out value="${r.value}"/></td></tr></c:forEach>
    </table>
  </article>
  <article class="card">
    <h2>Counters</h2>
    <table class="list" id="observability-counters">
      <c:forEach items="${counts}" var="r"><tr><th><c:out value="${r.label}"/></th><td><c:out value="${r.value}"/></td></tr></c:forEach>
    </table>
  </article>
</section>
<section class="card form-row">
  <form method="post" action="${mvc.basePath}/admin/observability/test-event" class="inline" id="test-event-form">
    <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
    <button type="submit" <c:if test="${!enabled}">disabled</c:if>>Send a test event</button>
  </form>
  <form method="post" action="${mvc.basePath}/admin/observability/test-error" class="inline" id="test-error-form">
    <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
    <button type="submit" class="danger" <c:if test="${!enabled}">disabled</c:if>>Raise a test error</button>
  </form>
</section>
<%@ include file="layout/bottom.jspf" %>
