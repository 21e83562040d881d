<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<c:set var="pageTitle" value="Dashboard" scope="request"/><%@ include file="layout/top.jspf" %>
<h1>Welcome, <c:out value="${currentUser.user.displayName}"/></h1>
<section class="cards">
  <article class="card">
    <h2>Your account</h2>
    <p><c:out value="${currentUser.user.email}"/><c:if test="${currentUser.admin}"> · admin</c:if></p>
    <p><a href="${mvc.basePath}/tokens">Create an access token</a> for the <code>da</code> command-line client or the API.</p>
  </article>
</section>
<%@ include file="layout/bottom.jspf" %>
