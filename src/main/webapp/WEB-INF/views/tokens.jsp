<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Access tokens" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Personal access tokens</h1>
<p class="muted">Tokens let the <code>da</code> client and scripts call the API as you: <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<c:if test="${not empty error}"><p class="alert error"><c:out value="${error}"/></p></c:if>
<c:if test="${not empty newSecret}">
  <div class="alert success">
    <p>Token <strong><c:out value="${newToken.name}"/></strong> created. Copy it now: it will not be shown again.</p>
    <p><code id="new-token" class="secret" data-sensitive><c:out value="${newSecret}"/></code></p>
  </div>
</c:if>
<form method="post" action="${mvc.basePath}/tokens" class="card form-row">
  <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
  <label>Name <input name="name" required maxlength="100" placeholder="laptop CLI"></label>
  <label>Expires in (days, optional) <input name="expires_in_days" type="number" min="1" max="3650"></label>
  <button type="submit">Create token</button>
</form>
<table class="list">
  <thead><tr><th>Name</th><th>Token</th><th>Created</th><th>Expires</th><th>Last used</th><th>Status</th><th></th></tr></thead>
  <tbody>
  <c:forEach items="${tokens}" var="t">
    <tr>
      <td><c:out value="${t.name}"/></td>
      <td><code><c:out value="${t.prefix}"/>…</code></td>
      <td><c:out value="${t.createdAt}"/></td>
      <td><c:out value="${empty t.expiresAt ? 'never' : t.expiresAt}"/></td>
      <td><c:out value="${empty t.lastUsedAt ? '—' : t.lastUsedAt}"/></td>
      <td><c:out value="${empty t.revokedAt ? 'active' : 'revoked'}"/></td>
      <td>
        <c:if test="${empty t.revokedAt}">
          <form method="post" action="${mvc.basePath}/tokens/${t.id}/revoke" class="inline">
            <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
            <button type="submit" class="danger">Revoke</button>
          </form>
        </c:if>
      </td>
    </tr>
  </c:forEach>
  <c:if test="${empty tokens}"><tr><td colspan="7" class="muted">No tokens yet.</td></tr></c:if>
  </tbody>
</table>
<%@ include file="layout/bottom.jspf" %>
