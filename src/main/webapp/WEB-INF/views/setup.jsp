<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up · Agnes</title>
<link rel="stylesheet" href="${mvc.basePath}/static/agnes.css">
</head>
<body class="auth-page">
<main class="card narrow">
  <h1>Welcome to Agnes</h1>
  <p>No one has an account yet. Create the first administrator; more users can be added afterwards.</p>
  <c:if test="${not empty error}"><p class="alert error" role="alert"><c:out value="${error}"/></p></c:if>
  <form method="post" action="${mvc.basePath}/setup" id="setup-form">
    <input type="hidden" name="${mvc.csrf.name}" value="${mvc.csrf.token}">
    <label>E-mail <input name="email" type="email" autocomplete="username" required autofocus value="<c:out value='${email}'/>"></label>
    <label>Your name <input name="display_name" value="<c:out value='${displayName}'/>"></label>
    <label>Password (at least 8 characters) <input name="password" type="password" autocomplete="new-password" required minlength="8"></label>
    <button type="submit">Create administrator</button>
  </form>
</main>
</body>
</html>
