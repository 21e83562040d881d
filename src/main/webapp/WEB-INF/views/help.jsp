<%@ page contentType="text/html;charset=UTF-8" pageEncoding="UTF-8" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Help · Agnes</title>
<link rel="stylesheet" href="${mvc.basePath}/static/agnes.css">
</head>
<body class="standalone">
<main class="content prose">
  <p><a href="${mvc.basePath}/">← Back to Agnes</a></p>
  <h1>Using Agnes</h1>
  <p>Agnes answers questions about your data. Operators declare data sources; Agnes loads them into an
     analytics database, and you explore them with SQL or by asking in plain language.</p>
  <h2>From the command line</h2>
  <p>Create a personal access token on the <a href="${mvc.basePath}/tokens">Access tokens</a> page, then:</p>
  <pre>da login --server <c:out value="${pageContext.request.scheme}://${pageContext.request.serverName}:${pageContext.request.serverPort}"/> --token agnes_pat_…
da status</pre>
  <h2>From scripts</h2>
  <p>Send the token as <code>Authorization: Bearer agnes_pat_…</code> to any <code>/api/</code> endpoint.</p>
</main>
</body>
</html>
