<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Agnes</title>
<link rel="stylesheet" href="${mvc.basePath}/static/agnes.css">
</head>
<body class="auth-page">
<main class="card narrow">
  <h1>Sign in to Agnes</h1>
  <c:if test="${not empty error}"><p class="alert error" role="alert"><c:out value="${error}"/></p></c:if>
  <form method="post" action="${mvc.basePath}/login" id="login-form">
    <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
    <input type="hidden" name="next" value="<c:out value='${next}'/>">
    <label>E-mail <input name="email" type="email" autocomplete="username" required autofocus value="<c:out value='${email}'/>"></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
