<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Users" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Users</h1>
<c:if test="${not empty error}"><p class="alert error"><c:out value="${error}"/></p></c:if>
<c:if test="${not empty notice}"><p class="alert success"><c:out value="${notice}"/></p></c:if>
<form method="post" action="${mvc.basePath}/admin/users" class="card form-row">
  <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
  <label>E-mail <input name="email" type="email" required></label>
  <label>Name <input name="display_name"></label>
  <label>Password <input name="password" type="password" required minlength="8"></label>
  <label class="check"><input name="admin" type="checkbox"> admin</label>
  <button type="submit">Create user</button>
</form>
<table class="list">
  <thead><tr><th>E-mail</th><th>Name</th><th>Role</th><th>Status</th><th>Created</th><th></th></tr></thead>
  <tbody>
  <c:forEach items="${users}" var="u">
    <tr class="${u.active ? '' : 'inactive'}">
      <td><c:out value="${u.email}"/></td>
      <td><c:out value="${u.displayName}"/></td>
      <td><c:out value="${u.admin ? 'admin' : 'analyst'}"/></td>
      <td><c:out value="${u.active ? 'active' : 'deactivated'}"/></td>
      <td><c:out value="${u.createdAt}"/></td>
      <td>
        <c:if test="${u.id != currentUser.user.id}">
          <form method="post" action="${mvc.basePath}/admin/users/${u.id}/active" class="inline">
            <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
            <input type="hidden" name="active" value="${!u.active}">
            <button type="submit" class="${u.active ? 'danger' : ''}"><c:out value="${u.active ? 'Deactivate' : 'Reactivate'}"/></button>
          </form>
        </c:if>
      </td>
    </tr>
  </c:forEach>
  </tbody>
</table>
<%@ include file="layout/bottom.jspf" %>
